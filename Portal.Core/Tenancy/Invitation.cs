namespace Portal.Core.Tenancy;

/// <summary>
/// A tenant admin's invitation for someone to join the tenant with a role. The invitee opens a link carrying
/// a secret token; only the token's hash is stored.
/// </summary>
public sealed class Invitation : ITenantOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public required string Email { get; init; }

    public required string Role { get; init; }

    public required string TokenHash { get; init; }

    public required string InvitedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? AcceptedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public InvitationStatus StatusAt(DateTimeOffset now) => this switch
    {
        { AcceptedAt: not null } => InvitationStatus.Accepted,
        { RevokedAt: not null } => InvitationStatus.Revoked,
        _ when now >= ExpiresAt => InvitationStatus.Expired,
        _ => InvitationStatus.Pending,
    };

    public void Accept(DateTimeOffset now)
    {
        if (StatusAt(now) != InvitationStatus.Pending)
        {
            throw new InvalidOperationException($"The invitation is {StatusAt(now).ToString().ToLowerInvariant()}.");
        }

        AcceptedAt = now;
    }

    public void Revoke(DateTimeOffset now)
    {
        if (StatusAt(now) != InvitationStatus.Pending)
        {
            throw new InvalidOperationException($"The invitation is {StatusAt(now).ToString().ToLowerInvariant()}.");
        }

        RevokedAt = now;
    }
}

public enum InvitationStatus
{
    Pending,
    Accepted,
    Revoked,
    Expired,
}
