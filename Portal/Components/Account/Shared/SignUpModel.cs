using System.ComponentModel.DataAnnotations;
using Portal.Core.Tenancy;

namespace Portal.Components.Account.Shared;

/// <summary>What a new tenant's first user enters to sign up.</summary>
public sealed class SignUpModel
{
    [Required(ErrorMessage = "Your email is required.")]
    [UserEmail]
    [Display(Name = "Email")]
    public string Email { get; set; } = "";

    [Required(ErrorMessage = "A password is required.")]
    [StringLength(128, MinimumLength = 8, ErrorMessage = "The password must be 8 to 128 characters long.")]
    public string Password { get; set; } = "";

    [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
    public string ConfirmPassword { get; set; } = "";

    [Required(ErrorMessage = "A tenant name is required.")]
    [TenantSlug]
    public string Tenant { get; set; } = "";
}
