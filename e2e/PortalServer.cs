using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Portal.E2E.Support;

[assembly: AssemblyFixture(typeof(Portal.E2E.PortalServer))]

namespace Portal.E2E;

/// <summary>
/// The portal, built by the ProjectReference, running as a child process (<c>dotnet Portal.dll</c>) on a free
/// port of 127.0.0.1 with a fresh data directory, on a fresh PostgreSQL database when the test server is
/// configured (<c>PORTAL_TEST_POSTGRES</c>; under CI it must be), otherwise on SQLite. One per test run.
/// Its output goes to <c>TestResults/e2e/portal-server.log</c>.
/// </summary>
public sealed class PortalServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const int MaxStartAttempts = 3;

    private readonly object logLock = new();
    private readonly StringBuilder recentOutput = new();
    private StreamWriter? log;
    private Process? process;
    private string? dataDirectory;
    private TestDatabase? database;

    /// <summary>The platform admin seeded at first start (for tests of the admin console).</summary>
    public string AdminEmail { get; private set; } = "platform-admin@example.test";

    public string AdminPassword { get; private set; } = "Adm1n-Passw0rd";

    /// <summary>For example <c>http://127.0.0.1:41234/</c> (with the trailing slash).</summary>
    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>The router's own port: applications answer at http://{application}.{tenant}.apps.localhost:{RouterPort}/.</summary>
    public int RouterPort { get; private set; }

    public string LogPath { get; } = Path.Combine(RepoPaths.ResultsDirectory, "portal-server.log");

    public async ValueTask InitializeAsync()
    {
        // scripts/demo.sh runs the demo against the portal it started (and leaves running): nothing to start here.
        if (Environment.GetEnvironmentVariable("PORTAL_E2E_URL") is { Length: > 0 } running)
        {
            BaseUrl = new Uri(running.EndsWith('/') ? running : running + "/");
            RouterPort = int.Parse(Required("PORTAL_E2E_ROUTER_PORT"), System.Globalization.CultureInfo.InvariantCulture);
            (AdminEmail, AdminPassword) = (Required("PORTAL_E2E_ADMIN_EMAIL"), Required("PORTAL_E2E_ADMIN_PASSWORD"));
            return;
        }

        var portalDll = FindPortalDll();
        Directory.CreateDirectory(RepoPaths.ResultsDirectory);
        log = new StreamWriter(LogPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
        dataDirectory = Directory.CreateTempSubdirectory("portal-e2e-").FullName;
        database = await TestDatabase.CreateAsync();
        Log(database is null ? "==> database: SQLite in the data directory" : $"==> database: PostgreSQL {database.Name}");

        // A free port can be taken by someone else between our probe and the portal's bind: then try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeTcpPort();
            RouterPort = FreeTcpPort();
            BaseUrl = new Uri($"http://127.0.0.1:{port}/");
            Log($"==> attempt {attempt}: dotnet {portalDll} on {BaseUrl} (data: {dataDirectory})");
            process = Start(portalDll, port, dataDirectory);
            var failure = await WaitUntilHealthyAsync(process);
            if (failure is null)
            {
                return;
            }

            await StopProcessAsync();
            var output = RecentOutput();
            if (!output.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || attempt == MaxStartAttempts)
            {
                await DisposeAsync();
                throw new InvalidOperationException(
                    $"The portal did not start: {failure}. Its output (full log: {LogPath}):\n{output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        if (dataDirectory is not null)
        {
            await DeleteDirectoryAsync(dataDirectory);
            dataDirectory = null;
        }

        if (database is not null)
        {
            await database.DisposeAsync();
            database = null;
        }

        lock (logLock)
        {
            log?.Dispose();
            log = null;
        }
    }

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"PORTAL_E2E_URL is set, so {variable} must be too.");

    private static string FindPortalDll()
    {
        var configured = typeof(PortalServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "PortalDll")?.Value
            ?? throw new InvalidOperationException("The test assembly has no PortalDll metadata (see Portal.E2E.csproj).");
        var path = Path.GetFullPath(configured);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} does not exist: build the solution first (dotnet build Portal.sln).");
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process Start(string portalDll, int port, string data)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(portalDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(portalDll);

        // Nothing of the caller's environment may point the portal elsewhere (another database, port or mode).
        foreach (var name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Portal__", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        startInfo.Environment["Portal__DataDirectory"] = data;
        startInfo.Environment["Router__Port"] = RouterPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (database is not null)
        {
            startInfo.Environment["ConnectionStrings__Postgres"] = database.ConnectionString;
        }

        // Members run on the engine the tests look at (scripts/test.sh may start its own).
        if (Environment.GetEnvironmentVariable("PORTAL_DOCKER_HOST") is { Length: > 0 } docker)
        {
            startInfo.Environment["Portal__Docker__Endpoint"] = docker;
        }

        startInfo.Environment["Portal__Admin__Email"] = AdminEmail;
        startInfo.Environment["Portal__Admin__Password"] = AdminPassword;

        var started = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => Log(e.Data);
        started.ErrorDataReceived += (_, e) => Log(e.Data);
        if (!started.Start())
        {
            throw new InvalidOperationException("Could not start dotnet.");
        }

        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    /// <returns>null once GET /healthz answers 200 "Healthy"; otherwise why it did not.</returns>
    private async Task<string?> WaitUntilHealthyAsync(Process started)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        string last = "no answer yet";
        while (stopwatch.Elapsed < StartTimeout)
        {
            if (started.HasExited)
            {
                await started.WaitForExitAsync(); // drains the output
                return $"it exited with code {started.ExitCode}";
            }

            try
            {
                using var response = await http.GetAsync("healthz");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK && body == "Healthy")
                {
                    Log($"==> healthy after {stopwatch.Elapsed.TotalSeconds:0.0} s");
                    return null;
                }

                last = $"GET /healthz answered {(int)response.StatusCode} {body}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        return $"GET /healthz did not answer 200 \"Healthy\" within {StartTimeout.TotalSeconds:0} s (last: {last})";
    }

    private async Task StopProcessAsync()
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
            Log($"==> stopped (exit code {process.ExitCode})");
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            Log($"==> stopping the portal: {e.Message}");
        }
        finally
        {
            process.Dispose();
            process = null;
        }
    }

    private static async Task DeleteDirectoryAsync(string path)
    {
        for (var attempt = 1; attempt <= 5 && Directory.Exists(path); attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(200); // a file the killed process held may take a moment to be released
            }
        }
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (logLock)
        {
            log?.WriteLine(line);
            recentOutput.AppendLine(line);
            if (recentOutput.Length > 20_000)
            {
                recentOutput.Remove(0, recentOutput.Length - 16_000);
            }
        }
    }

    private string RecentOutput()
    {
        lock (logLock)
        {
            return recentOutput.ToString();
        }
    }
}
