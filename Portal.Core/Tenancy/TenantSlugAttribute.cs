using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Tenancy;

/// <summary>Validation attribute applying <see cref="TenantSlug"/>'s rules, for forms and API models.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TenantSlugAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null or "")
        {
            return ValidationResult.Success; // [Required] reports a missing value.
        }

        return TenantSlug.TryValidate(value as string, out var error)
            ? ValidationResult.Success
            : new ValidationResult(error, validationContext.MemberName is { } member ? [member] : null);
    }
}
