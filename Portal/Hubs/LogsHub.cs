using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Portal.Core.Applications;
using Portal.Infrastructure.Applications;
using Portal.Tenancy;

namespace Portal.Hubs;

/// <summary>One line of live logs as API clients receive it.</summary>
public sealed record LogLineMessage(DateTimeOffset At, Guid MemberId, string Member, string Stream, string Text)
{
    public static LogLineMessage Of(LogLine line) =>
        new(line.At, line.MemberId, line.Member, line.Stream == LogStream.Stderr ? "stderr" : "stdout", line.Text);
}

/// <summary>
/// Live logs for API clients over SignalR (<see cref="Path"/>, bearer token; WebSocket clients send it as the
/// <c>access_token</c> query parameter). <see cref="Follow"/> streams an application's lines; another tenant's
/// application is "not found", as one that does not exist.
/// </summary>
[Authorize(Policy = PortalPolicies.ApiUser)]
public sealed class LogsHub(ApplicationLogs logs, CurrentUser currentUser) : Hub
{
    public const string Path = "/api/v1/hubs/logs";

    /// <summary>
    /// The last <paramref name="tail"/> lines of the application's live members (or of <paramref name="member"/>: its
    /// id or short id) in time order, then each new line, until the caller stops the stream.
    /// </summary>
    public async IAsyncEnumerable<LogLineMessage> Follow(
        string application, string? member, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        currentUser.UseConnectionPrincipal(Context.User ?? new());
        var opened = await logs.OpenAsync(new LogRequest(application, member, tail), cancellationToken);
        if (opened.Failure is { } failure)
        {
            throw new HubException(failure.Message);
        }

        await foreach (var line in opened.Value!.Lines.WithCancellation(cancellationToken))
        {
            yield return LogLineMessage.Of(line);
        }
    }
}

/// <summary>Maps the hubs and lets WebSocket clients, which cannot send headers, give their bearer token in the query.</summary>
public static class HubExtensions
{
    public static IEndpointRouteBuilder MapHubs(this IEndpointRouteBuilder app)
    {
        app.MapHub<LogsHub>(LogsHub.Path).RequireAuthorization(PortalPolicies.ApiUser);
        return app;
    }

    /// <summary>For the hubs' paths only: the <c>access_token</c> query parameter is the bearer token.</summary>
    public static Task TokenFromQuery(Microsoft.AspNetCore.Authentication.BearerToken.MessageReceivedContext context)
    {
        if (context.Request.Path.StartsWithSegments("/api/v1/hubs")
            && context.Request.Query["access_token"] is [{ Length: > 0 } token])
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }
}
