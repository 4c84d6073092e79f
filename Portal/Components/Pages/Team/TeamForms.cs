using System.ComponentModel.DataAnnotations;
using Portal.Core.Tenancy;

namespace Portal.Components.Pages.Team;

public sealed class InviteModel
{
    [Required, UserEmail]
    public string Email { get; set; } = "";

    [Required]
    public string Role { get; set; } = PortalRoles.TenantMember;
}

public sealed class AddUserModel
{
    [Required, UserEmail]
    public string Email { get; set; } = "";

    [Required, StringLength(128, MinimumLength = 8, ErrorMessage = "The password must be 8 to 128 characters long.")]
    public string Password { get; set; } = "";

    [Required]
    public string Role { get; set; } = PortalRoles.TenantMember;
}
