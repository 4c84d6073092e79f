namespace Portal.Core.Git;

/// <summary>One commit as a release records it.</summary>
/// <param name="Id">The full commit id (40 hex digits, 64 in a SHA-256 repository).</param>
/// <param name="Subject">The first line of the message.</param>
/// <param name="Message">The whole message.</param>
/// <param name="AuthoredAt">When the author made it, with the author's offset.</param>
public sealed record CommitInfo(string Id, string Subject, string Message, string AuthorName, string AuthorEmail, DateTimeOffset AuthoredAt)
{
    /// <summary>The first 12 hex digits, for image tags and lists.</summary>
    public string ShortId => Id.Length > 12 ? Id[..12] : Id;
}
