using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Core.Applications;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Routing;

namespace RouterBench;

/// <summary>
/// The router benchmark's host: the real portal (its <c>Program</c>, every middleware, metrics, the tenants' rate
/// limit) on real Kestrel, with one tenant's application whose Active members are the given backends (nginx, run by
/// <c>bench/router/run.sh</c>). The reconciler is off, so nothing starts containers; the members are rows in the
/// database, as the reconciler would leave them. Optionally the HAProxy extension writes its configuration too.
/// Prints <c>READY port=... haproxyConfig=...</c> on stdout once the router sends traffic to every backend; stops on
/// SIGTERM, SIGINT or when stdin closes.
/// </summary>
public static class BenchHost
{
    public const string Tenant = "bench";
    public const string Application = "web";
    public const string AppsDomain = "apps.localhost";
    public const string Email = "admin@bench.test";
    public const string Password = "Passw0rd-Long";

    public static string Host => $"{Application}.{Tenant}.{AppsDomain}";

    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"RouterBench: {e.Message}\n{BenchOptions.Usage}");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        WatchStdin(stop);

        if (options.Variant != "portal")
        {
            return await Variants.RunAsync(options, stop);
        }

        var dataDirectory = Directory.CreateTempSubdirectory("router-bench-").FullName;
        var port = options.Port > 0 ? options.Port : FreePort();
        var haproxyConfig = options.HaproxyBind is null ? null : options.HaproxyConfig ?? Path.Combine(dataDirectory, "haproxy.cfg");
        var settings = Settings(options, dataDirectory, haproxyConfig);
        var factory = new BenchPortal(settings);
        try
        {
            factory.UseKestrel(port);
            factory.StartServer();
            var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopping.Register(stop.Cancel);
            var baseAddress = ListeningOn(factory.Services, port);

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(30),
            };
            await SeedAsync(factory.Services, http, options.Backends, stop.Token);
            await WaitUntilRoutedAsync(baseAddress, options.Backends.Count, stop.Token);
            var haproxyReady = haproxyConfig is not null && await WaitForHaproxyConfigAsync(haproxyConfig, options.Backends, stop.Token);

            await ServeAsync($"READY port={baseAddress.Port} host={Host} variant=portal haproxyConfig={(haproxyReady ? haproxyConfig : "")}", stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"RouterBench: {e}");
            return 1;
        }
        finally
        {
            await factory.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The portal's configuration: as the tests', with the rate limit on but out of reach, and HAProxy if asked.</summary>
    private static Dictionary<string, string?> Settings(BenchOptions options, string dataDirectory, string? haproxyConfig)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "",
            ["Portal:DataDirectory"] = dataDirectory,
            ["Portal:Admin:Email"] = "ops@bench.test",
            ["Portal:Admin:Password"] = "Admin-Passw0rd",
            ["Portal:Reconciler:Enabled"] = "false",
            ["Router:Port"] = "0", // application requests come to the portal's own port, told apart by host name
            ["Router:AppsDomain"] = AppsDomain,
            ["Router:RateLimit:RequestsPerSecond"] = "10000000",
            ["Router:RateLimit:Burst"] = "10000000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (haproxyConfig is not null)
        {
            settings["Router:Haproxy:Enabled"] = "true";
            settings["Router:Haproxy:ConfigPath"] = haproxyConfig;
            settings["Router:Haproxy:Bind"] = options.HaproxyBind;
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value; // variants: e.g. Router:RateLimit:RequestsPerSecond=0
        }

        return settings;
    }

    /// <summary>Tenant and application through the API, then Active members on the backends' ports, as the reconciler leaves them.</summary>
    private static async Task SeedAsync(IServiceProvider services, HttpClient http, IReadOnlyList<int> backends, CancellationToken cancellationToken)
    {
        await Expect(await http.PostAsJsonAsync("/api/v1/auth/register", new { email = Email, password = Password, tenant = Tenant }, cancellationToken),
            HttpStatusCode.OK, "signing up");
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email = Email, password = Password }, cancellationToken);
        await Expect(login, HttpStatusCode.OK, "signing in");
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString();
        using (var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/applications"))
        {
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            create.Content = JsonContent.Create(new { name = Application, cartridge = "php", minMembers = backends.Count, maxMembers = backends.Count });
            await Expect(await http.SendAsync(create, cancellationToken), HttpStatusCode.Created, "creating the application");
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var application = await (from a in db.Applications.IgnoreQueryFilters()
                                     join t in db.Tenants on a.TenantId equals t.Id
                                     where t.Slug == Tenant && a.Name == Application
                                     select a).SingleAsync(cancellationToken);
            var partition = await db.Partitions.SingleAsync(p => p.Name == PartitionCatalogue.LocalName, cancellationToken);
            var now = DateTimeOffset.UtcNow;
            foreach (var backend in backends)
            {
                var member = new Member { TenantId = application.TenantId, ApplicationId = application.Id, PartitionId = partition.Id, CreatedAt = now };
                member.Started($"bench-nginx-{backend}", backend, now);
                member.MoveTo(MemberState.Active, now);
                db.Members.Add(member);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        services.GetRequiredService<TopologySignal>().Changed();
    }

    /// <summary>Says it is ready (one line on stdout), then serves until told to stop.</summary>
    internal static async Task ServeAsync(string ready, CancellationToken stop)
    {
        await Console.Out.WriteLineAsync(ready);
        await Console.Out.FlushAsync(CancellationToken.None);
        await Task.Delay(Timeout.Infinite, stop).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Waits until requests for the application have been answered 200 by every backend (each answers its own body).</summary>
    internal static async Task WaitUntilRoutedAsync(Uri baseAddress, int backends, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var last = "";
        while (seen.Count < backends)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"requests for {Host} reached {seen.Count} of {backends} backends within 30 s; last answer: {last}");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = Host;
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            last = $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}";
            if (response.StatusCode == HttpStatusCode.OK)
            {
                seen.Add(body);
            }
            else
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>Waits until the HAProxy extension has written a configuration naming every backend; false if it never does.</summary>
    private static async Task<bool> WaitForHaproxyConfigAsync(string path, IReadOnlyList<int> backends, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path))
            {
                var text = await File.ReadAllTextAsync(path, cancellationToken);
                if (backends.All(port => text.Contains($"127.0.0.1:{port}", StringComparison.Ordinal)))
                {
                    return true;
                }
            }

            await Task.Delay(200, cancellationToken);
        }

        await Console.Error.WriteLineAsync($"RouterBench: no HAProxy configuration naming every backend at {path} within 20 s (is the HAProxy extension there?)");
        return false;
    }

    private static async Task Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    internal static Uri ListeningOn(IServiceProvider services, int port)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault() ?? $"http://127.0.0.1:{port}";
        var uri = new Uri(address.Replace("//localhost:", "//127.0.0.1:", StringComparison.Ordinal).Replace("//[::]:", "//127.0.0.1:", StringComparison.Ordinal));
        return new UriBuilder(uri) { Host = "127.0.0.1" }.Uri;
    }

    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Stops when stdin closes (the script that started it went away), unless stdin is /dev/null.</summary>
    internal static void WatchStdin(CancellationTokenSource stop)
    {
        if (!Console.IsInputRedirected || new FileInfo("/proc/self/fd/0").LinkTarget == "/dev/null")
        {
            return;
        }

        _ = Task.Factory.StartNew(() =>
        {
            try
            {
                using var stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            stop.Cancel();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }
}

/// <summary>The whole portal, configured by <see cref="BenchHost"/>'s settings, in Production.</summary>
internal sealed class BenchPortal(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>Command line: <c>--backends 8081,8082,8083 [--variant portal|middleware|router|bare] [--port N] [--haproxy-bind 127.0.0.1:N] [--haproxy-config PATH] [--set Key=Value]...</c></summary>
internal sealed record BenchOptions(string Variant, int Port, IReadOnlyList<int> Backends, string? HaproxyBind, string? HaproxyConfig, IReadOnlyList<KeyValuePair<string, string?>> Settings)
{
    public const string Usage =
        "usage: RouterBench --backends PORT,PORT,... [--variant portal|middleware|router|bare] [--port N] [--haproxy-bind 127.0.0.1:N [--haproxy-config PATH]] [--set Key=Value]...";

    public static BenchOptions Parse(string[] args)
    {
        int port = 0;
        var variant = "portal";
        List<int> backends = [];
        string? haproxyBind = null, haproxyConfig = null;
        List<KeyValuePair<string, string?>> settings = [];
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--variant" when value is "portal" or "router" or "middleware" or "bare":
                    variant = value;
                    break;
                case "--port":
                    port = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--backends":
                    backends = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
                    break;
                case "--haproxy-bind":
                    haproxyBind = value;
                    break;
                case "--haproxy-config":
                    haproxyConfig = value;
                    break;
                case "--set":
                    var equals = value.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw new ArgumentException($"--set {value}: expected Key=Value");
                    }

                    settings.Add(new(value[..equals], value[(equals + 1)..]));
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }

            i++;
        }

        return backends.Count == 0 ? throw new ArgumentException("--backends is required") : new BenchOptions(variant, port, backends, haproxyBind, haproxyConfig, settings);
    }
}
