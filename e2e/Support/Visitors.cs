using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Portal.E2E.Support;

/// <summary>What reaches the portal and its applications from outside the browser session: visitors through the router, git hosts' webhooks.</summary>
public static class Visitors
{
    /// <summary>Reloads <paramref name="url"/> in <paramref name="visitor"/> until the router serves a page containing <paramref name="text"/>.</summary>
    public static async Task ExpectServedAsync(IPage visitor, string url, string text, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await visitor.GotoAsync(url);
            last = response is null ? "no response" : $"{response.Status} {await response.TextAsync()}";
            if (response is { Status: 200 } && last.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{url} did not serve '{text}' within {seconds} s; last: {last}");
    }

    /// <summary>Announces a push of <paramref name="commit"/> to main as GitHub does, signed with the application's webhook secret; expects 202.</summary>
    public static async Task PushAsync(Uri portal, string tenant, string application, string secret, string commit, string pusher = "dev")
    {
        using var hooks = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = portal };
        var body = JsonSerializer.SerializeToUtf8Bytes(new { @ref = "refs/heads/main", after = commit, pusher = new { name = pusher } });
        using var push = new HttpRequestMessage(HttpMethod.Post, $"/hooks/git/{tenant}/{application}") { Content = new ByteArrayContent(body) };
        push.Headers.Add("X-GitHub-Event", "push");
        push.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        push.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        using var response = await hooks.SendAsync(push);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
