using Microsoft.AspNetCore.Identity;
using Portal.Core.Common;

namespace Portal.Infrastructure.Identity;

internal static class IdentityFailures
{
    /// <summary>Turns Identity's errors into a failure whose field names match the forms and the API.</summary>
    public static Failure ToFailure(this IdentityResult result)
    {
        var errors = result.Errors
            .GroupBy(e => FieldOf(e.Code))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());
        var duplicate = result.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName");
        return new Failure(
            duplicate ? FailureKind.Conflict : FailureKind.Validation,
            string.Join(" ", result.Errors.Select(e => e.Description)),
            errors);
    }

    private static string FieldOf(string code) =>
        code.StartsWith("Password", StringComparison.Ordinal) ? "password"
        : code.Contains("Email", StringComparison.Ordinal) || code.Contains("UserName", StringComparison.Ordinal) ? "email"
        : "";
}
