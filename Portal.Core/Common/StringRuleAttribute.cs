using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace Portal.Core.Common;

/// <summary>
/// A validation attribute over one of the domain's string rules, so forms and API models check exactly what the
/// domain checks. A missing value passes: <see cref="RequiredAttribute"/> reports that.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public abstract class StringRuleAttribute : ValidationAttribute
{
    protected abstract bool TryValidate(string value, [NotNullWhen(false)] out string? error);

    protected sealed override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is null or "")
        {
            return ValidationResult.Success;
        }

        return TryValidate(value as string ?? value.ToString() ?? "", out var error)
            ? ValidationResult.Success
            : new ValidationResult(error, validationContext.MemberName is { } member ? [member] : null);
    }
}
