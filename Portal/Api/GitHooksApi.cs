using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Releases;
using Portal.Infrastructure.Releases;

namespace Portal.Api;

/// <summary>
/// <c>POST /hooks/git/{tenant}/{application}</c>: pushes from GitHub, GitLab, Gitea or anything that signs
/// <c>{ "ref", "after" }</c> like GitHub. No portal sign-in: the application's webhook secret is the proof.
/// </summary>
public static class GitHooksApi
{
    /// <summary>Push payloads are small; a bigger body is refused before it is read whole.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapGitHooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(GitHookPaths.Pattern, ReceiveAsync).WithTags("Webhooks").WithName("GitPushWebhook")
            .WithSummary("A git host's push: 202 when queued or ignored (another branch), 401 for a bad signature, 413 over 1 MiB.")
            .AllowAnonymous()
            .DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> ReceiveAsync(
        string tenant, string application, HttpRequest request, GitWebhookReceiver receiver, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        var receipt = await receiver.ReceiveAsync(
            tenant, application, name => request.Headers[name].FirstOrDefault(), token => ReadBodyAsync(request, token), cancellationToken);
        return receipt.Answer switch
        {
            WebhookAnswer.TooLarge => TooLarge(),
            WebhookAnswer.NotFound => TypedResults.Problem(receipt.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found."),
            WebhookAnswer.Unauthorized => TypedResults.Problem(receipt.Message, statusCode: StatusCodes.Status401Unauthorized, title: "The signature does not match."),
            WebhookAnswer.Rejected => TypedResults.Problem(receipt.Message, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid."),
            WebhookAnswer.Queued => TypedResults.Accepted((string?)null, new WebhookReply("queued", receipt.Message, receipt.Release!.Id, receipt.Release.Number)),
            WebhookAnswer.Duplicate => TypedResults.Ok(new WebhookReply("duplicate", receipt.Message, null, null)),
            _ => TypedResults.Accepted((string?)null, new WebhookReply("ignored", receipt.Message, null, null)),
        };
    }

    /// <summary>The body, or null when it is longer than <see cref="MaxBodyBytes"/> (a chunked body has no length up front).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem($"A push payload has at most {MaxBodyBytes / 1024 / 1024} MiB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large.");
}

public sealed record WebhookReply(string Status, string Message, Guid? Release, int? Number);
