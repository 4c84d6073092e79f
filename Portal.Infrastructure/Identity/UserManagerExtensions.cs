using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Portal.Infrastructure.Identity;

internal static class UserManagerExtensions
{
    /// <summary>
    /// Creates a user with a role. A concurrent sign-up that took the same email first (the database's unique
    /// index catches what the earlier look-up could not) is reported as a duplicate, not thrown.
    /// </summary>
    public static async Task<IdentityResult> CreateWithRoleAsync(
        this UserManager<PortalUser> users, PortalUser user, string password, string role)
    {
        try
        {
            var result = await users.CreateAsync(user, password);
            return result.Succeeded ? await users.AddToRoleAsync(user, role) : result;
        }
        catch (DbUpdateException)
        {
            return IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(user.Email ?? ""));
        }
    }
}
