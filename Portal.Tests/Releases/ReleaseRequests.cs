using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Tests.Support;

namespace Portal.Tests.Releases;

/// <summary>Webhooks as git hosts send them, and waiting for releases over the API.</summary>
public static class ReleaseRequests
{
    /// <summary>A GitHub push of <paramref name="after"/> to <paramref name="branch"/>, signed with <paramref name="secret"/>.</summary>
    public static HttpRequestMessage GitHubPush(string tenant, string application, string secret, string after,
        string branch = "main", string? delivery = null, string? signature = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = $"refs/heads/{branch}",
            before = new string('0', 40),
            after,
            pusher = new { name = "ada", email = "ada@shop.test" },
            head_commit = new { id = after, message = "A change\n\nWith details." },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/git/{tenant}/{application}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", "push");
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", signature ?? Sign(secret, body));
        return request;
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static async Task<JsonElement> ReleasesAsync(this HttpClient client, string application)
    {
        var response = await client.GetAsync($"/api/v1/applications/{application}/releases");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Polls the release until it is finished; fails with its last state when it takes longer.</summary>
    public static async Task<JsonElement> WaitForReleaseAsync(this HttpClient client, string application, int number, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement release = default;
        while (DateTime.UtcNow < deadline)
        {
            var releases = await client.ReleasesAsync(application);
            release = releases.EnumerateArray().FirstOrDefault(r => r.GetProperty("number").GetInt32() == number);
            if (release.ValueKind == JsonValueKind.Object
                && release.GetProperty("state").GetString() is "succeeded" or "failed" or "superseded")
            {
                return release;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"Release #{number} of '{application}' did not finish within {seconds} s; last seen: {release}");
        return release;
    }

    public static async Task<JsonElement> LinkAsync(this HttpClient client, string application, object repository)
    {
        var response = await client.PutAsJsonAsync($"/api/v1/applications/{application}/repository", repository);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }
}
