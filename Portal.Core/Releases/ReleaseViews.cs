namespace Portal.Core.Releases;

/// <summary>An application's linked repository as its tenant sees it: never the password or the webhook secret.</summary>
public sealed record RepositoryView(string Url, string Branch, string? Username, bool HasPassword, TimeSpan? PollInterval, DateTimeOffset LinkedAt)
{
    public static RepositoryView Of(Git.LinkedRepository r) =>
        new(r.Url, r.Branch, r.Username, r.ProtectedPassword is not null, r.PollInterval, r.LinkedAt);
}

/// <summary>One release as its tenant sees it.</summary>
public sealed record ReleaseView(
    Guid Id,
    int Number,
    ReleaseState State,
    ReleaseTrigger Trigger,
    string TriggeredBy,
    string? CommitId,
    string? Subject,
    string? Author,
    string? Image,
    IReadOnlyList<ReleaseStepView> Steps,
    string? Error,
    string? Log,
    Guid? RollbackOf,
    bool Serving,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt)
{
    public string? ShortCommit => CommitId is { Length: > 12 } id ? id[..12] : CommitId;

    /// <summary>A release that succeeded and does not serve now can be deployed again without a build.</summary>
    public bool CanRollBack => State == ReleaseState.Succeeded && !Serving && Image is not null;

    public static ReleaseView Of(Release r, Guid? serving) =>
        new(r.Id, r.Number, r.State, r.Trigger, r.TriggeredBy, r.CommitId, r.Subject, r.Author, r.Image,
            [.. r.Steps.Select(s => new ReleaseStepView(s.Name, s.StartedAt, s.EndedAt, s.Detail))],
            r.Error, r.Log, r.RollbackOf, r.Id == serving, r.CreatedAt, r.FinishedAt);
}

public sealed record ReleaseStepView(string Name, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Detail)
{
    public TimeSpan? Duration => EndedAt - StartedAt;
}

/// <summary>Where git hosts deliver an application's push webhooks (relative to the portal's address).</summary>
public static class GitHookPaths
{
    public const string Pattern = "/hooks/git/{tenant}/{application}";

    public static string Of(string tenant, string application) => $"/hooks/git/{tenant}/{application}";
}

/// <summary>The rules of a release request and a repository's polling.</summary>
public static class ReleaseRules
{
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromDays(1);

    /// <summary>A full or abbreviated commit id: 4 to 64 hex digits.</summary>
    public static bool IsCommitId(string? commit) =>
        commit is { Length: >= 4 and <= 64 } && commit.All(char.IsAsciiHexDigit);

    public static string? CheckPollInterval(TimeSpan? interval) =>
        interval is { } value && (value < MinPollInterval || value > MaxPollInterval)
            ? $"Poll every {MinPollInterval.TotalSeconds:0} seconds at least and once a day at most (or not at all)."
            : null;
}
