using System.Net;
using System.Text.Json;
using Portal.Tests.Support;
using static Portal.Tests.Routing.RouterRequests;

namespace Portal.Tests.Routing;

/// <summary>A portal on real Kestrel (whose limits the test server would not apply) with small router limits.</summary>
public sealed class LimitedRouterPortalFixture : RuntimePortalFixture
{
    public const int RequestsPerSecond = 5;
    public const int Burst = 10;

    protected override bool Kestrel => true;

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Router:RateLimit:RequestsPerSecond"] = RequestsPerSecond.ToString(),
        ["Router:RateLimit:Burst"] = Burst.ToString(),
        ["Router:MaxRequestBodySize"] = "65536",
        ["Router:MaxRequestHeadersTotalSize"] = "8192",
    };
}

/// <summary>
/// What the router tells members about the request (X-Forwarded-*), and what it refuses: bodies and headers over
/// the limits, and a tenant's requests beyond its rate limit, without slowing another tenant.
/// </summary>
public sealed class RouterLimitsTests(LimitedRouterPortalFixture fixture) : IClassFixture<LimitedRouterPortalFixture>
{
    private const string HeadersPage = """
        <?php header('Content-Type: application/json');
        echo json_encode(['for' => $_SERVER['HTTP_X_FORWARDED_FOR'] ?? null, 'proto' => $_SERVER['HTTP_X_FORWARDED_PROTO'] ?? null,
            'host' => $_SERVER['HTTP_X_FORWARDED_HOST'] ?? null, 'seenHost' => $_SERVER['HTTP_HOST'] ?? null]);
        """;

    [Fact]
    public async Task Members_learn_the_clients_address_scheme_and_host_and_a_client_cannot_forge_them()
    {
        var (tenant, client, application) = await fixture.ApplicationBehindTheRouterAsync("fwd", "echo", 1);
        client.Dispose();
        await fixture.AddPageAsync(application, "headers.php", HeadersPage);
        using var router = fixture.Portal.CreateClient();

        using var request = Get($"echo.{tenant}.apps.localhost", "/headers.php");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        using var response = await router.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.JsonAsync();

        var forwardedFor = seen.GetProperty("for").GetString()!;
        Assert.True(IPAddress.TryParse(forwardedFor.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address),
            $"X-Forwarded-For was '{forwardedFor}'; the client is on the loopback address");
        Assert.Equal("http", seen.GetProperty("proto").GetString());
        Assert.Equal($"echo.{tenant}.apps.localhost", seen.GetProperty("host").GetString()!.Split(':')[0]);
    }

    [Fact]
    public async Task Bodies_and_headers_over_the_limits_are_refused_with_413_and_431()
    {
        var (tenant, client, _) = await fixture.ApplicationBehindTheRouterAsync("size", "form", 1);
        client.Dispose();
        using var router = fixture.Portal.CreateClient();
        var host = $"form.{tenant}.apps.localhost";

        using var small = await router.SendAsync(Post(host, 10 * 1024));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.NotNull(MemberOf(small));

        using var large = await router.SendAsync(Post(host, 100 * 1024));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Contains("larger than the 64 KiB", await large.Content.ReadAsStringAsync());

        using var headers = Get(host, "/");
        headers.Headers.Add("X-Large", new string('a', 16 * 1024));
        using var tooManyHeaders = await router.SendAsync(headers);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooManyHeaders.StatusCode);
    }

    [Fact]
    public async Task A_tenant_over_its_rate_limit_gets_429_while_another_tenant_is_served()
    {
        var (flooding, floodingClient, _) = await fixture.ApplicationBehindTheRouterAsync("flood", "busy", 1);
        var (quiet, quietClient, _) = await fixture.ApplicationBehindTheRouterAsync("quiet", "calm", 1);
        floodingClient.Dispose();
        quietClient.Dispose();
        using var router = fixture.Portal.CreateClient();
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // both buckets full again

        int served = 0, refused = 0;
        HttpResponseMessage? refusal = null;
        for (var i = 0; i < 40; i++)
        {
            var response = await router.SendAsync(Get($"busy.{flooding}.apps.localhost", "/"));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused++;
                refusal ??= response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                served++;
                response.Dispose();
            }
        }

        using var calm = await router.SendAsync(Get($"calm.{quiet}.apps.localhost", "/"));
        Assert.Equal(HttpStatusCode.OK, calm.StatusCode);

        TestContext.Current.TestOutputHelper?.WriteLine($"40 requests at once: {served} served, {refused} refused (limit {LimitedRouterPortalFixture.RequestsPerSecond}/s, burst {LimitedRouterPortalFixture.Burst})");
        Assert.InRange(served, LimitedRouterPortalFixture.Burst, LimitedRouterPortalFixture.Burst + 3 * LimitedRouterPortalFixture.RequestsPerSecond);
        Assert.NotNull(refusal);
        Assert.Equal("1", refusal!.Headers.RetryAfter?.ToString());
        Assert.Contains("Too many requests", await refusal.Content.ReadAsStringAsync());
        refusal.Dispose();
    }

    private static HttpRequestMessage Post(string host, int bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new byte[bytes]) };
        request.Headers.Host = host;
        return request;
    }
}
