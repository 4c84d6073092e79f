using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>Maps a domain <see cref="Failure"/> to its ProblemDetails response.</summary>
internal static class ApiResults
{
    public static ProblemHttpResult Problem(this Failure failure)
    {
        var status = failure.Kind switch
        {
            FailureKind.Validation => StatusCodes.Status400BadRequest,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status404NotFound,
        };
        var extensions = failure.Errors is { Count: > 0 } errors
            ? new Dictionary<string, object?> { ["errors"] = errors }
            : null;
        return TypedResults.Problem(
            detail: failure.Message,
            statusCode: status,
            title: failure.Kind switch
            {
                FailureKind.Validation => "The request is not valid.",
                FailureKind.Conflict => "The request conflicts with what exists.",
                FailureKind.Forbidden => "Forbidden.",
                _ => "Not found.",
            },
            extensions: extensions);
    }
}
