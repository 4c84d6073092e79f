namespace Portal.Core.Git;

/// <summary>What an export of a commit's tree wrote: counts, and notes about what it left out and why.</summary>
public sealed record GitExport(string CommitId, int Files, int Directories, int SymbolicLinks, long Bytes, IReadOnlyList<string> Skipped);
