using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Npgsql;
using Portal.Infrastructure.Docker;

namespace Portal.Tests.Support;

/// <summary>
/// The whole portal on a fresh PostgreSQL database and the real Docker engine, with the built-in cartridges'
/// images built, its reconciler running. It can be restarted on the same database, as an operator would.
/// </summary>
public class RuntimePortalFixture : IAsyncLifetime
{
    private PostgresDatabase? database;
    private PortalFactory? factory;
    private DockerEngines? engines;

    /// <summary>Configuration the portal starts with (a subclass may shorten the reconciler's timeouts).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Whether the portal runs on real Kestrel (on 127.0.0.1, a free port) instead of the test server: Kestrel's limits apply.</summary>
    protected virtual bool Kestrel => false;

    public PortalFactory Portal => factory ?? throw new InvalidOperationException("Not initialized.");

    public IDockerClient Docker => (engines ?? throw new InvalidOperationException("Not initialized.")).Local;

    public string ConnectionString => database!.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        engines = await DockerEngine.RequireAsync();
        await CartridgeImagesFixture.EnsureBuiltAsync(engines);
        database = await PostgresDatabase.RequireAsync();
        factory = Start(Directory.CreateTempSubdirectory("portal-test-").FullName); // the reconciler runs from now on
    }

    /// <summary>Stops the portal and starts it again on the same database and data directory.</summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        var dataDirectory = Portal.DataDirectory;
        await Portal.DisposeAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        factory = Start(dataDirectory);
    }

    private PortalFactory Start(string dataDirectory)
    {
        var portal = new PortalFactory(database!.ConnectionString, dataDirectory, reconcile: true, settings: Settings);
        if (Kestrel)
        {
            portal.UseKestrel(0);
        }

        portal.StartServer();
        return portal;
    }

    /// <summary>This installation's id, which labels all its containers.</summary>
    public async Task<Guid> InstallationIdAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"Id\" FROM \"Installations\"", connection);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>This installation's containers on the engine, running or not.</summary>
    public async Task<IList<ContainerListResponse>> ContainersAsync(string? label = null)
    {
        var installation = await InstallationIdAsync();
        var labels = new Dictionary<string, bool> { [$"{DockerContainerRuntime.InstallationLabel}={installation}"] = true };
        if (label is not null)
        {
            labels[label] = true;
        }

        return await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        });
    }

    /// <summary>The container of one member.</summary>
    public async Task<ContainerListResponse> ContainerOfAsync(string memberId) =>
        Assert.Single(await ContainersAsync($"{DockerContainerRuntime.MemberLabel}={memberId}"));

    /// <summary>Runs a shell script in a container (as its own user) and returns its output; fails on a non-zero exit.</summary>
    public async Task<string> ExecAsync(string containerId, string script, string? user = null)
    {
        var exec = await Docker.Exec.ExecCreateContainerAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = ["sh", "-c", script],
            User = user,
            AttachStdout = true,
            AttachStderr = true,
        });
        using var stream = await Docker.Exec.StartAndAttachContainerExecAsync(exec.ID, tty: false);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        var inspected = await Docker.Exec.InspectContainerExecAsync(exec.ID);
        Assert.True(inspected.ExitCode == 0, $"`{script}` exited with {inspected.ExitCode}: {stderr}");
        return stdout;
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (factory is not null)
        {
            var installation = database is null ? (Guid?)null : await InstallationIdAsync();
            await factory.DisposeAsync();
            Directory.Delete(factory.DataDirectory, recursive: true);
            if (installation is { } id)
            {
                await RemoveInstallationAsync(Docker, id);
            }
        }

        if (database is not null)
        {
            await database.DisposeAsync();
        }

        engines?.Dispose();
    }

    /// <summary>
    /// What a tests' portal left on an engine once it has stopped: the containers, volumes and tenant networks
    /// labelled with its installation, and the volume holding the engine's identity for it.
    /// </summary>
    public static async Task RemoveInstallationAsync(IDockerClient engine, Guid installation)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>>
        {
            ["label"] = new Dictionary<string, bool> { [$"{DockerContainerRuntime.InstallationLabel}={installation}"] = true },
        };
        foreach (var container in await engine.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }))
        {
            await engine.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true });
        }

        foreach (var volume in (await engine.Volumes.ListAsync(new VolumesListParameters { Filters = filter })).Volumes ?? [])
        {
            await engine.Volumes.RemoveAsync(volume.Name, force: true);
        }

        foreach (var network in await engine.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }))
        {
            try
            {
                await engine.Networks.DeleteNetworkAsync(network.ID);
            }
            catch (DockerNetworkNotFoundException)
            {
            }
        }

        try
        {
            await engine.Volumes.RemoveAsync($"portal-engine-{installation:N}", force: true);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}

/// <summary>Applications over the API, and waiting for what the reconciler does.</summary>
public static class ApplicationsClient
{
    public static async Task<JsonElement> CreateApplicationAsync(this HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/applications", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    public static async Task<JsonElement> ApplicationAsync(this HttpClient client, string name)
    {
        var response = await client.GetAsync($"/api/v1/applications/{name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Polls the application until <paramref name="condition"/> holds; fails with the last state seen.</summary>
    public static async Task<JsonElement> WaitForAsync(
        this HttpClient client, string name, Func<JsonElement, bool> condition, int seconds = 90, Func<Task<string>>? explain = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement application;
        do
        {
            application = await client.ApplicationAsync(name);
            if (condition(application))
            {
                return application;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"'{name}' did not get there within {seconds} s; last seen: {application}" + (explain is null ? "" : "\n" + await explain()));
        return application;
    }

    /// <summary>Waits until the application runs exactly <paramref name="members"/> members, all Active.</summary>
    public static Task<JsonElement> WaitUntilRunningAsync(this HttpClient client, string name, int members, int seconds = 90) =>
        client.WaitForAsync(name, a =>
            a.GetProperty("status").GetString() == "running"
            && a.GetProperty("members").GetArrayLength() == members
            && a.GetProperty("members").EnumerateArray().All(m => m.GetProperty("state").GetString() == "active"), seconds);

    public static IReadOnlyList<string> MemberIds(this JsonElement application) =>
        [.. application.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()!)];
}
