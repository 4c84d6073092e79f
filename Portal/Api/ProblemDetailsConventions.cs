using System.Text.Json;

namespace Portal.Api;

internal static class ProblemDetailsConventions
{
    /// <summary>
    /// Every problem carries the trace id, and validation errors are keyed by the JSON field name (camelCase),
    /// whether they come from the framework's validation or from the portal's own rules.
    /// </summary>
    public static void Apply(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        if (context.ProblemDetails is HttpValidationProblemDetails validation)
        {
            var errors = validation.Errors.ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value);
            validation.Errors.Clear();
            foreach (var (key, value) in errors)
            {
                validation.Errors[key] = value;
            }
        }
    }
}
