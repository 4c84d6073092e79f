using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Portal.Api;

/// <summary>
/// Malformed JSON, wrong types and unreadable parameters reach here as <see cref="BadHttpRequestException"/>:
/// answer 400 with ProblemDetails naming the field, never 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var json = exception.InnerException as JsonException;
        var details = new ValidationProblemDetails
        {
            Status = badRequest.StatusCode,
            Title = "The request is not valid.",
            Detail = json is not null ? "The request body is not valid JSON for this operation."
                : badRequest.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Send the body as JSON (Content-Type: application/json)."
                : "The request needs a JSON body.",
        };
        if (json is not null)
        {
            var field = FieldOf(json.Path);
            details.Errors[field] = [field.Length == 0
                ? "The body must be a JSON object."
                : $"The value of '{field}' is malformed or has the wrong type."];
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = details,
            Exception = exception,
        });
    }

    /// <summary>"$.email" -> "email"; "$" or nothing -> "".</summary>
    private static string FieldOf(string? path) =>
        path is null or "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
}
