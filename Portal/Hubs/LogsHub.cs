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
public sealed class LogsHub(ApplicationLogs logs, CurrentUser currentUser, IAuthorizationService authorization, LogStreams streams) : Hub
{
    public const string Path = "/api/v1/hubs/logs";

    /// <summary>How often a running stream checks that its user may still read (not removed, sign-ins not revoked).</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The last <paramref name="tail"/> lines of the application's live members (or of <paramref name="member"/>: its
    /// id or short id) in time order, then each new line, until the caller stops the stream.
    /// </summary>
    public async IAsyncEnumerable<LogLineMessage> Follow(
        string application, string? member, int tail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var user = Context.User ?? new();
        currentUser.UseConnectionPrincipal(user);
        using var slot = streams.TryOpen(Context.UserIdentifier ?? "")
            ?? throw new HubException($"You follow {LogStreams.MaxPerUser} log streams already; stop one to follow another.");
        var opened = await logs.OpenAsync(new LogRequest(application, member, tail), cancellationToken);
        if (opened.Failure is { } failure)
        {
            throw new HubException(failure.Message);
        }

        var checkedAt = DateTimeOffset.UtcNow;
        await foreach (var line in opened.Value!.Lines.WithCancellation(cancellationToken))
        {
            if (DateTimeOffset.UtcNow - checkedAt >= RecheckEvery)
            {
                // The token was checked when the connection opened; a stream outliving the user's access ends.
                if (!(await authorization.AuthorizeAsync(user, PortalPolicies.ApiUser)).Succeeded)
                {
                    throw new HubException("Your access to these logs has ended; sign in again.");
                }

                checkedAt = DateTimeOffset.UtcNow;
            }

            yield return LogLineMessage.Of(line);
        }
    }
}

/// <summary>How many log streams each user follows over the hub: a few at most, as each holds a follow per member on the engines.</summary>
public sealed class LogStreams
{
    public const int MaxPerUser = 5;

    private readonly Dictionary<string, int> open = [];

    /// <summary>A slot for one more stream of <paramref name="user"/> (released when disposed); null when it has <see cref="MaxPerUser"/>.</summary>
    public IDisposable? TryOpen(string user)
    {
        lock (open)
        {
            var count = open.GetValueOrDefault(user);
            if (count >= MaxPerUser)
            {
                return null;
            }

            open[user] = count + 1;
        }

        return new Slot(this, user);
    }

    private void Release(string user)
    {
        lock (open)
        {
            if (open.GetValueOrDefault(user) <= 1)
            {
                open.Remove(user);
            }
            else
            {
                open[user]--;
            }
        }
    }

    private sealed class Slot(LogStreams streams, string user) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                streams.Release(user);
            }
        }
    }
}

/// <summary>Maps the hubs and lets WebSocket clients, which cannot send headers, give their bearer token in the query.</summary>
public static class HubExtensions
{
    public static IEndpointRouteBuilder MapHubs(this IEndpointRouteBuilder app)
    {
        // A connection closes when its token expires (the bearer ticket's expiry), as a REST call would then get 401.
        app.MapHub<LogsHub>(LogsHub.Path, o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization(PortalPolicies.ApiUser);
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
