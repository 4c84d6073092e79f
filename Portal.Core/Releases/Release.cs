using Portal.Core.Tenancy;

namespace Portal.Core.Releases;

/// <summary>Where a release is; the steps in order, then how it ended.</summary>
public enum ReleaseState
{
    /// <summary>Waiting for the application's release in progress to finish; a newer one queued replaces it.</summary>
    Queued,
    Fetching,
    Building,

    /// <summary>The reconciler starts members of the release next to the serving ones.</summary>
    Starting,

    /// <summary>Its members run; waiting for all of them to pass their health check.</summary>
    Checking,

    /// <summary>Its members serve; the old ones are out of the router and finish their requests, then stop.</summary>
    Draining,
    Succeeded,
    Failed,

    /// <summary>Replaced by a newer release before it started.</summary>
    Superseded,
}

/// <summary>Who or what asked for a release.</summary>
public enum ReleaseTrigger
{
    /// <summary>A user, through the portal or the API.</summary>
    User,

    /// <summary>A git host's push webhook.</summary>
    Webhook,

    /// <summary>The polling job found a new commit.</summary>
    Poll,

    /// <summary>A user rolled back to an earlier release (its image, no build).</summary>
    Rollback,
}

/// <summary>One step of a release and how long it took.</summary>
public sealed class ReleaseStep
{
    /// <summary>fetch, build, start, health, switch or drain.</summary>
    public required string Name { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>What the step did or why it was skipped, in a few words.</summary>
    public string? Detail { get; set; }
}

/// <summary>
/// One commit of one application, built into an immutable image on top of its cartridge's image and rolled out with
/// zero downtime: fetch, build, start members, wait until healthy, switch the router, drain the old members.
/// Everything a person needs to know afterwards is recorded: the commit, who or what asked, each step's timing, the
/// outcome and, when it failed, why (with the container's last log lines).
/// </summary>
public sealed class Release : ITenantOwned
{
    public const string Fetch = "fetch";
    public const string Build = "build";
    public const string Start = "start";
    public const string Health = "health";
    public const string Switch = "switch";
    public const string Drain = "drain";

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid ApplicationId { get; init; }

    /// <summary>1, 2, 3, ... per application.</summary>
    public int Number { get; init; }

    public ReleaseTrigger Trigger { get; init; }

    /// <summary>Who asked, in words: "ana@example.com", "GitHub push by ana", "polling", "rollback to #3 by ana@example.com".</summary>
    public required string TriggeredBy { get; init; }

    /// <summary>A commit the trigger named (a push's "after", a user's choice); null means the branch's head.</summary>
    public string? RequestedCommit { get; init; }

    /// <summary>The git host's delivery id of the webhook that asked for it (a redelivery is not deployed twice).</summary>
    public string? DeliveryId { get; init; }

    /// <summary>For a rollback: the release whose image it deploys again.</summary>
    public Guid? RollbackOf { get; init; }

    public string? CommitId { get; private set; }

    public string? Subject { get; private set; }

    public string? Author { get; private set; }

    public DateTimeOffset? AuthoredAt { get; private set; }

    /// <summary>The image its members run (tagged by commit).</summary>
    public string? Image { get; set; }

    public ReleaseState State { get; private set; } = ReleaseState.Queued;

    public List<ReleaseStep> Steps { get; init; } = [];

    public string? Error { get; private set; }

    /// <summary>The last lines a failed member's container wrote.</summary>
    public string? Log { get; private set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public bool IsFinished => State is ReleaseState.Succeeded or ReleaseState.Failed or ReleaseState.Superseded;

    /// <summary>Fetching up to draining: at most one per application at a time.</summary>
    public bool InProgress => !IsFinished && State != ReleaseState.Queued;

    public string? ShortCommit => CommitId is { Length: > 12 } id ? id[..12] : CommitId;

    /// <summary>Records the commit it deploys.</summary>
    public void Resolved(string commitId, string subject, string author, DateTimeOffset authoredAt)
    {
        CommitId = commitId;
        Subject = Clip(subject, 200);
        Author = Clip(author, 200);
        AuthoredAt = authoredAt;
    }

    /// <summary>Ends the running step and starts <paramref name="step"/> (moving the state on).</summary>
    public void Begin(string step, DateTimeOffset now, string? detail = null)
    {
        if (IsFinished)
        {
            throw new InvalidOperationException($"Release #{Number} is {State}; it takes no more steps.");
        }

        EndStep(now);
        Steps.Add(new ReleaseStep { Name = step, StartedAt = now, Detail = detail });
        State = step switch
        {
            Fetch => ReleaseState.Fetching,
            Build => ReleaseState.Building,
            Start => ReleaseState.Starting,
            Health => ReleaseState.Checking,
            Switch or Drain => ReleaseState.Draining,
            _ => throw new ArgumentException($"There is no release step '{step}'.", nameof(step)),
        };
    }

    /// <summary>A step that was not needed (a rollback fetches and builds nothing).</summary>
    public void Skip(string step, DateTimeOffset now, string detail)
    {
        EndStep(now);
        Steps.Add(new ReleaseStep { Name = step, StartedAt = now, EndedAt = now, Detail = detail });
    }

    public void Succeed(DateTimeOffset now) => Finish(ReleaseState.Succeeded, now);

    public void Fail(string error, DateTimeOffset now, IReadOnlyList<string>? log = null)
    {
        Error = Clip(error, 1000);
        Log = log is { Count: > 0 } ? ClipStart(string.Join('\n', log), 8000) : null;
        Finish(ReleaseState.Failed, now);
    }

    /// <summary>A newer release replaced it before it started.</summary>
    public void Supersede(int by, DateTimeOffset now)
    {
        Error = $"Replaced by release #{by}, which was asked for before this one started.";
        Finish(ReleaseState.Superseded, now);
    }

    /// <summary>The first <paramref name="max"/> characters at most, never half of a surrogate pair (the database refuses those).</summary>
    private static string Clip(string text, int max) =>
        text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];

    /// <summary>The last <paramref name="max"/> characters at most, never half of a surrogate pair.</summary>
    private static string ClipStart(string text, int max) =>
        text.Length <= max ? text : text[^(char.IsLowSurrogate(text[^max]) ? max - 1 : max)..];

    private void Finish(ReleaseState state, DateTimeOffset now)
    {
        if (IsFinished)
        {
            return;
        }

        EndStep(now);
        State = state;
        FinishedAt = now;
    }

    private void EndStep(DateTimeOffset now)
    {
        if (Steps.Count > 0 && Steps[^1].EndedAt is null)
        {
            Steps[^1].EndedAt = now;
        }
    }
}
