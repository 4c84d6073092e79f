using Portal.Core.Tenancy;

namespace Portal.Core.Git;

/// <summary>
/// The repository an application is linked to, as stored: the password and the webhook secret only ever encrypted
/// (the infrastructure protects them), never shown again after they were given or generated.
/// </summary>
public sealed class LinkedRepository : ITenantOwned
{
    /// <summary>The application's id: one repository per application.</summary>
    public Guid ApplicationId { get; init; }

    public Guid TenantId { get; set; }

    public required string Url { get; set; }

    public required string Branch { get; set; }

    public string? Username { get; set; }

    public string? ProtectedPassword { get; set; }

    /// <summary>The secret git hosts sign webhooks with (HMAC-SHA256) or send (GitLab's token), encrypted.</summary>
    public required string ProtectedWebhookSecret { get; set; }

    /// <summary>How often the polling job fetches the branch for new commits; null: never (webhooks only).</summary>
    public TimeSpan? PollInterval { get; set; }

    public DateTimeOffset LinkedAt { get; set; }
}
