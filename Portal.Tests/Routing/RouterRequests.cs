using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Support;
using Yarp.ReverseProxy;

namespace Portal.Tests.Routing;

/// <summary>Requests to applications through the router (by host name), and applications made ready for them.</summary>
public static class RouterRequests
{
    public const string MemberHeader = "X-Portal-Member";

    public static HttpRequestMessage Get(string host, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return request;
    }

    public static string? MemberOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(MemberHeader, out var values) ? values.Single() : null;

    /// <summary>A new tenant's PHP application with <paramref name="members"/> Active members, all of them receiving traffic.</summary>
    public static async Task<(string Tenant, HttpClient Client, JsonElement Application)> ApplicationBehindTheRouterAsync(
        this RuntimePortalFixture fixture, string tenantPrefix, string name, int members, object? routing = null)
    {
        var tenant = ApiClient.UniqueTenant(tenantPrefix);
        var client = await fixture.Portal.SignUpAsync(tenant);
        var request = new Dictionary<string, object?> { ["name"] = name, ["cartridge"] = "php", ["minMembers"] = members, ["maxMembers"] = members };
        foreach (var property in routing?.GetType().GetProperties() ?? [])
        {
            request[property.Name] = property.GetValue(routing);
        }

        await client.CreateApplicationAsync(request);
        var application = await client.WaitUntilRunningAsync(name, members);
        await fixture.WaitUntilRoutedAsync($"{name}.{tenant}.apps.localhost", members);
        return (tenant, client, application);
    }

    /// <summary>
    /// Waits until the router has <paramref name="members"/> available members for <paramref name="host"/> (its
    /// own view: sticky or least-requests applications would not show them all to a probe), then until one answers.
    /// </summary>
    public static async Task WaitUntilRoutedAsync(this RuntimePortalFixture fixture, string host, int members)
    {
        var proxy = fixture.Portal.Services.GetRequiredService<IProxyStateLookup>();
        using var router = fixture.Portal.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = fixture.Portal.ClientOptions.BaseAddress });
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var available = proxy.GetRoutes().FirstOrDefault(r => r.Config.Match.Hosts?.Contains(host) == true)?.Cluster?.DestinationsState.AvailableDestinations.Count ?? 0;
            if (available == members)
            {
                using var response = await router.SendAsync(Get(host, "/"));
                if (MemberOf(response) is not null)
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"the router has {available} of {members} members of {host} available; its routes: {RoutesOf(proxy)}");
            await Task.Delay(100);
        }
    }

    /// <summary>The router's routes (host names and members), for failure messages.</summary>
    public static string RoutesOf(IProxyStateLookup proxy) =>
        string.Join("; ", proxy.GetRoutes().Select(r => $"{string.Join(",", r.Config.Match.Hosts ?? [])} -> {r.Cluster?.DestinationsState.AvailableDestinations.Count} available"));

    /// <summary>Waits a little and says to go on: for polling loops written as <c>while (... &amp;&amp; await Pause())</c>.</summary>
    public static async Task<bool> Pause(int milliseconds = 100)
    {
        await Task.Delay(milliseconds);
        return true;
    }

    /// <summary>Puts a PHP page into every member of the application (written as root: /app belongs to root).</summary>
    public static async Task AddPageAsync(this RuntimePortalFixture fixture, JsonElement application, string file, string php)
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(php));
        foreach (var member in application.MemberIds())
        {
            await fixture.ExecAsync((await fixture.ContainerOfAsync(member)).ID, $"echo {encoded} | base64 -d > /app/{file} && chmod 0644 /app/{file}", user: "0");
        }
    }

    /// <summary>
    /// A new tenant whose application "ghost" never gets a member ready: its cartridge's image does not exist. Returns
    /// the tenant and a client signed in as its admin.
    /// </summary>
    public static async Task<(string Tenant, HttpClient Client)> ApplicationWithoutReadyMemberAsync(this RuntimePortalFixture fixture, string tenantPrefix)
    {
        var tenant = ApiClient.UniqueTenant(tenantPrefix);
        var client = await fixture.Portal.SignUpAsync(tenant);
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        var cartridge = $"ghost-{Guid.NewGuid().ToString("N")[..6]}";
        using var registered = await ops.PostAsJsonAsync("/api/v1/cartridges", new
        {
            name = cartridge, displayName = "Ghost", version = "1", category = "framework",
            image = "portal-test/not-there:1", containerPort = 8080, healthCheck = "http", healthCheckPath = "/",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        await client.CreateApplicationAsync(new { name = "ghost", cartridge });
        return (tenant, client);
    }
}
