using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Persistence;

namespace Portal.Infrastructure.Identity;

/// <summary>Puts the user's tenant (id and slug) into the principal, where the tenant context reads it.</summary>
public sealed class PortalUserClaimsPrincipalFactory(
    UserManager<PortalUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<IdentityOptions> options,
    PortalDbContext db)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var slug = await db.Tenants.Where(t => t.Id == user.TenantId).Select(t => t.Slug).SingleAsync();
        identity.AddClaim(new Claim(PortalClaimTypes.TenantId, user.TenantId.ToString()));
        identity.AddClaim(new Claim(PortalClaimTypes.Tenant, slug));
        return identity;
    }
}
