using System.Runtime.Versioning;
using LibGit2Sharp;
using Portal.Core.Git;

namespace Portal.Tests.Git;

/// <summary>
/// ssh:// repositories go through the portal host's own ssh command (libgit2's exec transport, which honours
/// core.sshCommand like git does). No SSH server runs here, so the "ssh" this test configures runs the remote command
/// locally: what is proven is that the portal fetches through the host's ssh with the command and path git's
/// protocol asks for (host keys and the key to use are the host's ssh set-up).
/// </summary>
[Collection(nameof(GitSshCommand))] // libgit2's global configuration is the process's: no other ssh test meanwhile
public sealed class GitOverSshTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_ssh_url_is_fetched_through_the_hosts_ssh_command()
    {
        using var workspace = await GitWorkspace.CreateAsync();
        var commit = await workspace.CommitAsync("Over ssh", "index.php", "<?php echo 'ssh';");
        var log = Path.Combine(workspace.Root, "ssh.log");
        var ssh = Path.Combine(workspace.Root, "fake-ssh");
        await File.WriteAllTextAsync(ssh, $"""
            #!/bin/sh
            # Called as: fake-ssh [options] [user@]host "git-upload-pack '/path'": log it, run the command here.
            echo "$@" >> '{log}'
            for last; do :; done
            exec sh -c "$last"
            """);
        File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var global = Path.Combine(workspace.Root, "global");
        Directory.CreateDirectory(global);
        await File.WriteAllTextAsync(Path.Combine(global, ".gitconfig"), $"[core]\n\tsshCommand = {ssh}\n");
        var before = GlobalSettings.GetConfigSearchPaths(ConfigurationLevel.Global);
        GlobalSettings.SetConfigSearchPaths(ConfigurationLevel.Global, global);
        try
        {
            var head = await workspace.Repositories().FetchAsync(
                Guid.NewGuid(), RepositoryLink.Create($"ssh://git@git.example.test{workspace.Origin}", "main").Value!, TestContext.Current.CancellationToken);

            Assert.True(head.Succeeded, head.Failure?.Message);
            Assert.Equal(commit, head.Value!.Id);
            var call = await File.ReadAllTextAsync(log);
            Assert.Contains("git@git.example.test", call);
            Assert.Contains($"git-upload-pack '{workspace.Origin}'", call);
        }
        finally
        {
            GlobalSettings.SetConfigSearchPaths(ConfigurationLevel.Global, [.. before]);
        }
    }
}

[CollectionDefinition(nameof(GitSshCommand), DisableParallelization = true)]
public sealed class GitSshCommand;
