using Microsoft.AspNetCore.Identity;

namespace Portal.Infrastructure.Identity;

/// <summary>A person who signs in. Belongs to exactly one tenant.</summary>
public sealed class PortalUser : IdentityUser
{
    public Guid TenantId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
