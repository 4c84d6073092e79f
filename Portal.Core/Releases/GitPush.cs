using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portal.Core.Releases;

/// <summary>Which git host sent a webhook; decides its headers, how it is authenticated and its payload's shape.</summary>
public enum GitHost
{
    /// <summary><c>X-GitHub-Event</c>; the body signed in <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>.</summary>
    GitHub,

    /// <summary><c>X-Gitlab-Event</c>; the secret itself in <c>X-Gitlab-Token</c>.</summary>
    GitLab,

    /// <summary><c>X-Gitea-Event</c>; the body signed in <c>X-Gitea-Signature: &lt;hex&gt;</c> (or as GitHub does).</summary>
    Gitea,

    /// <summary>Anything else (a CI job, a script): <c>{"ref", "after"}</c> signed as GitHub does.</summary>
    Generic,
}

/// <summary>
/// A push a git host reported: <see cref="Ref"/> (the full ref, <c>refs/heads/main</c>) moved to the commit
/// <see cref="After"/> (lower-case hex). <see cref="DeliveryId"/> is the host's id of this delivery (null when it sent
/// none); <see cref="Pusher"/> and <see cref="Subject"/> (the head commit's first line) are for display only.
/// </summary>
public sealed record GitPush(GitHost Host, string? DeliveryId, string Ref, string After, string? Pusher, string? Subject)
{
    private const string BranchPrefix = "refs/heads/";

    /// <summary>The branch name, without <c>refs/heads/</c>; null when <see cref="Ref"/> is not a branch (a tag).</summary>
    public string? Branch =>
        Ref.StartsWith(BranchPrefix, StringComparison.Ordinal) && Ref.Length > BranchPrefix.Length ? Ref[BranchPrefix.Length..] : null;

    /// <summary>The ref was deleted: <see cref="After"/> is all zeros.</summary>
    public bool IsDeletion => After.Length > 0 && After.All(c => c == '0');
}

/// <summary>What a webhook request comes to; one of the four records below.</summary>
public abstract record WebhookOutcome
{
    private protected WebhookOutcome()
    {
    }
}

/// <summary>An authenticated push of a branch: answered 202 and deployed.</summary>
public sealed record WebhookAccepted(GitPush Push) : WebhookOutcome;

/// <summary>No, or a wrong, signature or token: 401. The body was not looked at.</summary>
public sealed record WebhookUnauthorized(string Reason) : WebhookOutcome;

/// <summary>Authenticated but malformed (a header, the JSON, a field; the reason names it): 400.</summary>
public sealed record WebhookRejected(string Reason) : WebhookOutcome;

/// <summary>Authenticated, but nothing to deploy (a ping, another event, a tag): answered 202, not deployed.</summary>
public sealed record WebhookIgnored(string Reason) : WebhookOutcome;

/// <summary>
/// Reads a git host's push webhook: tells the host by its headers, authenticates the request with the webhook's
/// secret before looking at the body (an unauthenticated caller learns nothing about the parser), then takes the
/// pushed ref and commit from the JSON payload. Signatures are compared in fixed time. No I/O: the caller hands over
/// the headers (<c>header(name)</c>: the value, looked up case-insensitively, or null) and the raw body.
/// </summary>
public static class GitWebhooks
{
    /// <summary>The longest delivery id taken; a longer one is rejected.</summary>
    public const int MaxDeliveryIdLength = 200;

    private const string HubSignature = "X-Hub-Signature-256";
    private const string GiteaSignature = "X-Gitea-Signature";
    private const string GitLabToken = "X-Gitlab-Token";
    private const string HubSignaturePrefix = "sha256=";
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static WebhookOutcome Read(Func<string, string?> header, ReadOnlySpan<byte> body, string secret)
    {
        var host = HostOf(header);
        if (Unauthenticated(host, header, body, secret) is { } unauthorized)
        {
            return new WebhookUnauthorized(unauthorized);
        }

        var (deliveryHeader, deliveryId) = DeliveryIdOf(host, header);
        if (deliveryId?.Length > MaxDeliveryIdLength)
        {
            return new WebhookRejected($"{deliveryHeader} is longer than {MaxDeliveryIdLength} characters.");
        }

        return NotAPush(host, header) is { } ignored ? new WebhookIgnored(ignored) : Parse(host, deliveryId, body);
    }

    // Gitea also sends X-GitHub-Event and X-Hub-Signature-256, so it is told apart first.
    private static GitHost HostOf(Func<string, string?> header) =>
        header(GitLabToken) is not null || header("X-Gitlab-Event") is not null ? GitHost.GitLab
        : header("X-Gitea-Event") is not null || header(GiteaSignature) is not null ? GitHost.Gitea
        : header("X-GitHub-Event") is not null ? GitHost.GitHub
        : GitHost.Generic;

    /// <summary>Why the request is not authenticated, or null when it is.</summary>
    private static string? Unauthenticated(GitHost host, Func<string, string?> header, ReadOnlySpan<byte> body, string secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "No secret is set for this webhook.";
        }

        var secretBytes = Encoding.UTF8.GetBytes(secret);
        if (host == GitHost.GitLab)
        {
            if (header(GitLabToken) is not { Length: > 0 } token)
            {
                return $"No signature: {GitLabToken} is missing.";
            }

            // Hashed first, so the comparison does not reveal the secret's length either.
            var equal = CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(secretBytes));
            return equal ? null : $"{GitLabToken} is not the webhook's secret.";
        }

        string name, hex;
        if (host == GitHost.Gitea && Value(header, GiteaSignature) is { } giteaHex)
        {
            (name, hex) = (GiteaSignature, giteaHex);
        }
        else if (Value(header, HubSignature) is { } hubSignature)
        {
            if (!hubSignature.StartsWith(HubSignaturePrefix, StringComparison.OrdinalIgnoreCase))
            {
                return $"{HubSignature} does not start with {HubSignaturePrefix}.";
            }

            (name, hex) = (HubSignature, hubSignature[HubSignaturePrefix.Length..]);
        }
        else
        {
            return host == GitHost.Gitea
                ? $"No signature: neither {GiteaSignature} nor {HubSignature} is present."
                : $"No signature: {HubSignature} is missing.";
        }

        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (hex.Length != 2 * claimed.Length || Convert.FromHexString(hex, claimed, out _, out _) != OperationStatus.Done)
        {
            return $"{name} is not an HMAC-SHA256 in hex.";
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secretBytes, body, expected);
        return CryptographicOperations.FixedTimeEquals(claimed, expected) ? null : $"{name} does not match the body signed with the webhook's secret.";
    }

    /// <summary>The header the delivery id came from (the host's first when none did) and the id, trimmed.</summary>
    private static (string Header, string? Id) DeliveryIdOf(GitHost host, Func<string, string?> header)
    {
        string[] names = host switch
        {
            GitHost.GitHub => ["X-GitHub-Delivery"],
            GitHost.Gitea => ["X-Gitea-Delivery"],
            GitHost.GitLab => ["X-Gitlab-Event-UUID", "Idempotency-Key"],
            _ => ["X-Delivery-Id", "X-GitHub-Delivery", "Idempotency-Key"],
        };
        foreach (var name in names)
        {
            if (Value(header, name) is { } id)
            {
                return (name, id);
            }
        }

        return (names[0], null);
    }

    /// <summary>Why the event is not a push, or null when it is (always, for <see cref="GitHost.Generic"/>).</summary>
    private static string? NotAPush(GitHost host, Func<string, string?> header)
    {
        var (name, push) = host switch
        {
            GitHost.GitHub => ("X-GitHub-Event", "push"),
            GitHost.Gitea => ("X-Gitea-Event", "push"),
            GitHost.GitLab => ("X-Gitlab-Event", "Push Hook"),
            _ => (null, null),
        };
        if (name is null)
        {
            return null;
        }

        return Value(header, name) switch
        {
            { } value when value.Equals(push, StringComparison.OrdinalIgnoreCase) => null,
            "ping" => "ping",
            { } value => $"{name} \"{value}\" is not a push.",
            null => $"{name} is missing.",
        };
    }

    private static WebhookOutcome Parse(GitHost host, string? deliveryId, ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..].ToArray() : body.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new WebhookRejected($"The payload is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object.");
            }

            if (Text(root, "ref") is not { } @ref)
            {
                return new WebhookRejected("The payload has no \"ref\" (a string such as refs/heads/main).");
            }

            if (Text(root, "after") is not { } after)
            {
                return new WebhookRejected("The payload has no \"after\" (the pushed commit's id, a string).");
            }

            if (after.Length is not (40 or 64) || !after.All(char.IsAsciiHexDigit))
            {
                return new WebhookRejected("The payload's \"after\" is not a commit id (40 or 64 hex digits).");
            }

            after = after.ToLowerInvariant();
            var push = new GitPush(host, deliveryId, @ref, after, PusherOf(host, root), FirstLine(SubjectOf(host, root, after)));
            return push.Branch is null ? new WebhookIgnored($"{@ref} is not a branch.") : new WebhookAccepted(push);
        }
        catch (JsonException e)
        {
            return new WebhookRejected("The payload is not valid JSON: " + e.Message);
        }
        catch (InvalidOperationException)
        {
            // What JsonElement.GetString throws for a string that is not valid UTF-8.
            return new WebhookRejected("The payload is not valid UTF-8.");
        }
    }

    private static string? PusherOf(GitHost host, JsonElement root) => host switch
    {
        GitHost.GitHub => Text(root, "pusher", "name"),
        GitHost.Gitea => Text(root, "pusher", "login") ?? Text(root, "pusher", "username"),
        GitHost.GitLab => Text(root, "user_username") ?? Text(root, "user_name"),
        _ => Text(root, "pusher"),
    };

    private static string? SubjectOf(GitHost host, JsonElement root, string after)
    {
        switch (host)
        {
            case GitHost.GitLab:
                if (root.TryGetProperty("commits", out var commits) && commits.ValueKind == JsonValueKind.Array && commits.GetArrayLength() > 0)
                {
                    var head = commits.EnumerateArray().FirstOrDefault(c => string.Equals(Text(c, "id"), after, StringComparison.OrdinalIgnoreCase));
                    return Text(head.ValueKind == JsonValueKind.Undefined ? commits[commits.GetArrayLength() - 1] : head, "message");
                }

                return null;
            case GitHost.Generic:
                return Text(root, "message");
            default:
                return Text(root, "head_commit", "message");
        }
    }

    /// <summary>The string at <paramref name="path"/> (through nested objects), trimmed; null when absent, blank or not a string.</summary>
    private static string? Text(JsonElement element, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String && element.GetString()!.Trim() is { Length: > 0 } text ? text : null;
    }

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].TrimEnd('\r', ' ', '\t');

    private static string? Value(Func<string, string?> header, string name) =>
        header(name)?.Trim() is { Length: > 0 } value ? value : null;
}
