using System.ComponentModel.DataAnnotations;
using Portal.Core.Common;
using Portal.Core.Tenancy;

namespace Portal.Components.Pages.Admin;

/// <summary>
/// The quota form: each maximum or empty for no limit. Checked on submit by <see cref="TenantQuota.Validate"/>, as the
/// service checks it; properties are named as the service's fields, so its errors land under them.
/// </summary>
public sealed class QuotaModel : IValidatableObject
{
    public int? MaxMembers { get; set; }

    public int? MaxMemoryMb { get; set; }

    public int? MaxApplications { get; set; }

    public void From(TenantQuota quota) => (MaxMembers, MaxMemoryMb, MaxApplications) = (quota.MaxMembers, quota.MaxMemoryMb, quota.MaxApplications);

    public TenantQuota ToQuota() => new(MaxMembers, MaxMemoryMb, MaxApplications);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        from error in TenantQuota.Validate(MaxMembers, MaxMemoryMb, MaxApplications)
        from message in error.Value
        select new ValidationResult(message, [char.ToUpperInvariant(error.Key[0]) + error.Key[1..]]);

    /// <summary>The service's errors by field; one without a field goes under the members.</summary>
    public static IReadOnlyDictionary<string, string[]> FieldErrors(Failure failure) =>
        failure.Errors is { Count: > 0 } errors ? errors : new Dictionary<string, string[]> { ["maxMembers"] = [failure.Message] };
}
