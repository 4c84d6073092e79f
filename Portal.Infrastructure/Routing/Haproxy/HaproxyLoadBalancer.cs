using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Routing;

namespace Portal.Infrastructure.Routing.Haproxy;

/// <summary>
/// The HAProxy extension of the router: makes HAProxy serve the topology. Renders its configuration, writes it next
/// to <see cref="HaproxyOptions.ConfigPath"/>, has haproxy check it, puts it in place with one rename (HAProxy never
/// reads half a file; a configuration it rejects never replaces the one it runs), then runs the reload command.
/// A topology whose configuration is already in place writes and reloads nothing.
/// </summary>
public sealed partial class HaproxyLoadBalancer(IOptions<HaproxyOptions> options, ILogger<HaproxyLoadBalancer> logger) : ILoadBalancer, IDisposable
{
    /// <summary>The longest haproxy's check or the reload command may take.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim applying = new(1, 1);

    /// <summary>A configuration was put in place but the reload command has not succeeded since.</summary>
    private bool reloadPending;

    public string Name => "haproxy";

    public async Task ApplyAsync(IReadOnlyList<RoutedApplication> topology, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var path = settings.ConfigPath ?? throw new InvalidOperationException("Router:Haproxy:ConfigPath is not set.");
        var configuration = HaproxyConfiguration.Render(topology, settings);

        await applying.WaitAsync(cancellationToken);
        try
        {
            if (await CurrentAsync(path, cancellationToken) != configuration)
            {
                await PutInPlaceAsync(settings, path, configuration, cancellationToken);
                reloadPending = true;
                LogWritten(path, topology.Count, topology.Sum(a => a.Members.Count));
            }
            else if (!reloadPending)
            {
                return;
            }

            if (!string.IsNullOrWhiteSpace(settings.ReloadCommand))
            {
                var reload = await RunAsync("/bin/sh", ["-c", settings.ReloadCommand], cancellationToken);
                if (reload.ExitCode != 0)
                {
                    throw new HaproxyException(
                        $"The reload command `{settings.ReloadCommand}` exited with {reload.ExitCode}: {reload.Output}");
                }

                LogReloaded();
            }

            reloadPending = false;
        }
        finally
        {
            applying.Release();
        }
    }

    public void Dispose() => applying.Dispose();

    private static async Task<string?> CurrentAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes <c>{path}.new</c>, has haproxy check it, and renames it over <paramref name="path"/>.</summary>
    private async Task PutInPlaceAsync(HaproxyOptions settings, string path, string configuration, CancellationToken cancellationToken)
    {
        var candidate = path + ".new";
        await File.WriteAllTextAsync(candidate, configuration, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
        var check = await RunAsync(settings.HaproxyPath, ["-c", "-f", candidate], cancellationToken);
        if (check.ExitCode != 0)
        {
            // The rejected file stays for the operator to look at; the next topology overwrites it.
            throw new HaproxyException(
                $"haproxy rejected the new configuration {candidate} (exit code {check.ExitCode}); {path} is unchanged: {check.Output}");
        }

        File.Move(candidate, path, overwrite: true); // rename(2): atomic on one file system
    }

    /// <summary>Runs a program to its end (at most <see cref="CommandTimeout"/>) and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new HaproxyException($"Could not run {program}: {e.Message}", e);
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            var output = $"{await stderr}{await stdout}".Trim();
            return (process.ExitCode, output);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // it has just exited
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new HaproxyException($"`{program} {string.Join(' ', arguments)}` did not finish within {CommandTimeout.TotalSeconds:0} s.");
        }
    }

    [LoggerMessage(LogLevel.Information, "HAProxy: wrote {Path} for {Applications} applications, {Members} Active members")]
    private partial void LogWritten(string path, int applications, int members);

    [LoggerMessage(LogLevel.Information, "HAProxy: reloaded")]
    private partial void LogReloaded();
}

/// <summary>HAProxy rejected a configuration, or its reload command failed; the message carries their output.</summary>
public sealed class HaproxyException : Exception
{
    public HaproxyException()
    {
    }

    public HaproxyException(string message)
        : base(message)
    {
    }

    public HaproxyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
