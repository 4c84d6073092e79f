using System.ComponentModel.DataAnnotations;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Core.Releases;
using Portal.Infrastructure.Releases;

namespace Portal.Components.Pages.Applications;

/// <summary>
/// The "link a repository" form. <see cref="RepositoryLink"/> and <see cref="ReleaseRules"/> check it on submit, so a
/// malformed URL or branch is reported under its field before anything is fetched; the server then fetches, and its
/// failures (no repository there, no such branch, access refused) land under the same fields. A message goes away when
/// its field is edited.
/// </summary>
public sealed class RepositoryForm : IValidatableObject
{
    /// <summary>The field the service names when the poll interval is out of bounds.</summary>
    public const string PollIntervalField = "repository.pollInterval";

    // Stands in for the stored password when checking a re-link that keeps it: the rules only ask whether there is one.
    private const string StoredPassword = "(stored)";

    public string Url { get; set; } = "";

    public string Branch { get; set; } = RepositoryRules.DefaultBranch;

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>Seconds between fetches looking for new commits; empty: no polling (webhooks only).</summary>
    public int? PollSeconds { get; set; }

    /// <summary>The repository linked now, when the form links again (to another branch, user, ...).</summary>
    public RepositoryView? Linked { get; private init; }

    /// <summary>An empty form, or one filled with what <paramref name="linked"/> holds (its password left empty).</summary>
    public static RepositoryForm For(RepositoryView? linked) => linked is null
        ? new RepositoryForm()
        : new RepositoryForm
        {
            Linked = linked,
            Url = linked.Url,
            Branch = linked.Branch,
            Username = linked.Username ?? "",
            PollSeconds = linked.PollInterval is { } interval ? (int)interval.TotalSeconds : null,
        };

    /// <summary>Whether an empty password keeps the stored one: the URL and the user stay the same (the service does the same).</summary>
    public bool KeepsStoredPassword =>
        Password.Length == 0 && Linked is { HasPassword: true } linked
        && linked.Url == Url.Trim() && (linked.Username ?? "") == Username.Trim();

    public TimeSpan? PollInterval => PollSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    public RepositoryInput ToInput() => new(Url, Branch, Username, Password, PollInterval);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new Dictionary<string, string[]>(
            RepositoryLink.Check(Url, Branch, Username, KeepsStoredPassword ? StoredPassword : Password)?.Errors
            ?? new Dictionary<string, string[]>());
        if (ReleaseRules.CheckPollInterval(PollInterval) is { } problem)
        {
            errors[PollIntervalField] = [problem];
        }

        return from error in FieldErrors(errors)
               from message in error.Value
               select new ValidationResult(message, [error.Key]);
    }

    /// <summary>The errors (of the rules or the server) that belong to one of the form's fields, keyed by its property.</summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(IReadOnlyDictionary<string, string[]>? errors) =>
        (errors ?? new Dictionary<string, string[]>())
            .Where(e => PropertyOf(e.Key) is not null)
            .ToDictionary(e => PropertyOf(e.Key)!, e => e.Value);

    /// <summary>What of <paramref name="failure"/> has no field on the form (shown above the button), or null.</summary>
    public static string? OtherErrors(Failure failure) => failure.Errors is { Count: > 0 } errors
        ? string.Join(" ", errors.Where(e => PropertyOf(e.Key) is null).SelectMany(e => e.Value)) is { Length: > 0 } text ? text : null
        : failure.Message;

    private static string? PropertyOf(string field) => field switch
    {
        RepositoryRules.UrlField => nameof(Url),
        RepositoryRules.BranchField => nameof(Branch),
        RepositoryRules.UsernameField => nameof(Username),
        RepositoryRules.PasswordField => nameof(Password),
        PollIntervalField => nameof(PollSeconds),
        _ => null,
    };
}

/// <summary>The "deploy now" form: the branch's head, or a commit named by its id (full or abbreviated).</summary>
public sealed class DeployForm : IValidatableObject
{
    public string Commit { get; set; } = "";

    /// <summary>The commit to deploy; null for the branch's head.</summary>
    public string? CommitOrHead => string.IsNullOrWhiteSpace(Commit) ? null : Commit.Trim();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        CommitOrHead is { } commit && !ReleaseRules.IsCommitId(commit)
            ? [new ValidationResult("Give a commit id (4 to 64 hex digits), or nothing for the branch's head.", [nameof(Commit)])]
            : [];

    /// <summary>The server's errors that belong to the commit field, keyed as <see cref="Portal.Components.Shared.ServerErrors"/> expects.</summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(IReadOnlyDictionary<string, string[]>? errors) =>
        (errors ?? new Dictionary<string, string[]>())
            .Where(e => e.Key == RepositoryRules.CommitField)
            .ToDictionary(e => e.Key, e => e.Value);

    /// <summary>What of <paramref name="failure"/> is not about the commit field (shown in the card), or null.</summary>
    public static string? OtherErrors(Failure failure) => failure.Errors is { Count: > 0 } errors
        ? string.Join(" ", errors.Where(e => e.Key != RepositoryRules.CommitField).SelectMany(e => e.Value)) is { Length: > 0 } text ? text : null
        : failure.Message;
}

/// <summary>How far one step of a release got, as the steps list shows it.</summary>
public enum StepProgress
{
    /// <summary>Not reached (yet).</summary>
    Pending,
    Running,
    Done,

    /// <summary>The step the release failed in.</summary>
    Failed,
}

/// <summary>One row of a release's steps list: every step of a rollout in order, reached or not.</summary>
public sealed record ReleaseStepRow(string Name, StepProgress Progress, TimeSpan? Duration, string? Detail);

/// <summary>What the repository and releases cards say: states, steps, durations, the serving release.</summary>
public static class ReleaseLabels
{
    /// <summary>What to tell a git host's webhook settings.</summary>
    public const string WebhookHelp =
        "In GitHub/Gitea: Settings › Webhooks, content type application/json, this secret. In GitLab: the secret token.";

    /// <summary>The steps of a rollout, in the order they run.</summary>
    public static readonly IReadOnlyList<string> Steps =
        [Release.Fetch, Release.Build, Release.Start, Release.Health, Release.Switch, Release.Drain];

    /// <summary>Queued or on its way (fetching up to draining): what is shown changes by the second.</summary>
    public static bool IsUnfinished(ReleaseState state) =>
        state is not (ReleaseState.Succeeded or ReleaseState.Failed or ReleaseState.Superseded);

    /// <summary>Fetching up to draining: a step runs now.</summary>
    public static bool IsInProgress(ReleaseState state) => IsUnfinished(state) && state != ReleaseState.Queued;

    public static string Of(ReleaseState state) => state.ToString().ToLowerInvariant();

    public static string StepLabel(string step) => step switch
    {
        Release.Fetch => "Fetch",
        Release.Build => "Build the image",
        Release.Start => "Start members",
        Release.Health => "Health check",
        Release.Switch => "Switch the router",
        Release.Drain => "Drain the old members",
        _ => step,
    };

    /// <summary>Every step of <paramref name="release"/>, the recorded ones with their timing, then those not reached.</summary>
    public static IReadOnlyList<ReleaseStepRow> StepsOf(ReleaseView release)
    {
        var rows = new List<ReleaseStepRow>();
        for (var i = 0; i < release.Steps.Count; i++)
        {
            var step = release.Steps[i];
            var last = i == release.Steps.Count - 1;
            var progress = step.EndedAt is null && IsInProgress(release.State) ? StepProgress.Running
                : last && release.State == ReleaseState.Failed ? StepProgress.Failed
                : StepProgress.Done;
            rows.Add(new ReleaseStepRow(step.Name, progress, step.Duration, step.Detail));
        }

        rows.AddRange(Steps.Where(name => release.Steps.All(s => s.Name != name))
            .Select(name => new ReleaseStepRow(name, StepProgress.Pending, null, null)));
        return rows;
    }

    /// <summary>From its first step to its end; null while it runs or when it never started (superseded while queued).</summary>
    public static TimeSpan? DurationOf(ReleaseView release) =>
        release.FinishedAt is { } finished && release.Steps.Count > 0 ? finished - release.Steps[0].StartedAt : null;

    /// <summary>350 ms, 4.2 s, 2 min 05 s; a dash for none.</summary>
    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "—",
        { TotalSeconds: < 1 } d => $"{Math.Max(0, d.TotalMilliseconds):0} ms",
        { TotalMinutes: < 1 } d => $"{d.TotalSeconds:0.0} s",
        { } d => $"{(int)d.TotalMinutes} min {d.Seconds:00} s",
    };

    /// <summary>The release the application serves, for its summary (<paramref name="linked"/>: a repository is linked).</summary>
    public static string Serving(ReleaseView? release, bool linked) => release is null
        ? linked ? "none yet" : "none yet — link a repository"
        : release.ShortCommit is { } commit ? $"Release #{release.Number} · commit {commit}" : $"Release #{release.Number}";

    /// <summary>The releases of <paramref name="now"/> not in <paramref name="before"/> that are not finished (just asked for).</summary>
    public static IEnumerable<ReleaseView> NewUnfinished(IReadOnlyList<ReleaseView> before, IReadOnlyList<ReleaseView> now) =>
        now.Where(release => IsUnfinished(release.State) && before.All(b => b.Id != release.Id));

    /// <summary>Whether a release changed state since the list shown before (the members it runs change with it).</summary>
    public static bool AnyStateChanged(IReadOnlyList<ReleaseView> before, IReadOnlyList<ReleaseView> now) =>
        now.Any(release => before.FirstOrDefault(b => b.Id == release.Id) is { } earlier && earlier.State != release.State);

    public static string Polling(TimeSpan? interval) =>
        interval is { } every ? $"every {every.TotalSeconds:0} s" : "off (webhooks only)";
}
