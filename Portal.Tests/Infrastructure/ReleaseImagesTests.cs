using System.Diagnostics;
using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>Release images (a commit's tree on top of the cartridge's image) and containers' logs, on the real Docker engine.</summary>
public sealed class ReleaseImagesTests(CartridgeImagesFixture docker) : IClassFixture<CartridgeImagesFixture>
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly ReleaseImages images = new(NullLogger<ReleaseImages>.Instance);

    private IDockerClient Engine => docker.Engines.Local;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewTag() => ReleaseImages.TagOf(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid().ToString("N"));

    [Fact]
    public void The_tag_names_installation_application_and_commit_in_lower_case()
    {
        var installation = Guid.NewGuid();
        var applicationId = Guid.NewGuid();
        var commit = new string('A', 40);

        var tag = ReleaseImages.TagOf(installation, applicationId, commit);

        Assert.Equal($"portal-release/{installation:N}/{applicationId:N}:{new string('a', 40)}", tag);
        Assert.Throws<ArgumentException>(() => ReleaseImages.TagOf(Guid.Empty, applicationId, "not a commit"));
        Assert.Throws<ArgumentException>(() => ReleaseImages.TagOf(Guid.Empty, applicationId, new string('a', 129)));
    }

    [Fact]
    public async Task The_tree_is_copied_to_app_with_modes_and_links_and_the_repositorys_Dockerfile_changes_nothing()
    {
        var marker = $"release-{Guid.NewGuid():N}";
        using var source = SourceTree.Create();
        source.Write("index.php", $"<?php echo '{marker}';\n");
        source.Write("sub/page.txt", $"sub-{marker}\n");
        source.Write("bin/run.sh", "#!/bin/sh\necho run\n", Executable);
        source.Link("link.php", "index.php");
        source.Write("Dockerfile", "FROM scratch\n");
        source.Write(".dockerignore", "*\n");
        var tag = NewTag();
        var runtime = new DockerContainerRuntime(Engine, Guid.NewGuid());
        var tenantId = Guid.NewGuid();
        string? containerId = null;
        try
        {
            var lines = new List<string>();
            var watch = Stopwatch.StartNew();
            var built = await images.BuildAsync(Engine, Spec(source.Path, tag), new InlineProgress<string>(lines.Add), Ct);
            watch.Stop();
            TestContext.Current.TestOutputHelper?.WriteLine($"BuildAsync of a 6-entry tree: {watch.ElapsedMilliseconds} ms\n{string.Join('\n', lines)}");

            Assert.True(built.Succeeded, built.Failure?.Message + "\n" + string.Join('\n', lines));
            Assert.StartsWith("sha256:", built.Value, StringComparison.Ordinal);
            var inspected = await Engine.Images.InspectImageAsync(tag, Ct);
            Assert.Equal(built.Value, inspected.ID);
            Assert.Equal(Path.GetFileName(source.Path), inspected.Config.Labels["portal.test.release"]);
            Assert.Equal("10001:10001", inspected.Config.User); // the cartridge's own settings are kept

            var member = await runtime.StartAsync(new MemberSpec
            {
                TenantId = tenantId, ApplicationId = Guid.NewGuid(), ClusterId = Guid.NewGuid(), MemberId = Guid.NewGuid(),
                Image = tag, ContainerPort = BuiltInCartridges.Php.ContainerPort, CpuLimit = 0.25, MemoryLimitMb = 128,
            }, Ct);
            containerId = member.ContainerId;
            var root = $"http://127.0.0.1:{member.PublishedPort}";
            Assert.Equal(marker, await HttpProbe.GetWhenUpAsync(new Uri($"{root}/")));
            Assert.Equal(marker, await HttpProbe.GetWhenUpAsync(new Uri($"{root}/link.php")));
            Assert.Equal($"sub-{marker}\n", await HttpProbe.GetWhenUpAsync(new Uri($"{root}/sub/page.txt")));

            var entries = await EntriesAsync(containerId, "/app");
            Assert.Equal(TarEntryType.SymbolicLink, entries["app/link.php"].EntryType);
            Assert.Equal("index.php", entries["app/link.php"].LinkName);
            Assert.Equal(Executable, entries["app/bin/run.sh"].Mode);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, entries["app/index.php"].Mode);
            Assert.Contains("app/Dockerfile", entries.Keys); // an ordinary file of the repository, nothing more
            Assert.Contains("app/.dockerignore", entries.Keys);
            Assert.DoesNotContain(DockerfileEntry, entries.Keys);
            Assert.All(entries.Values, e => Assert.Equal((0, 0), (e.Uid, e.Gid)));
            Assert.Equal(Executable, entries["app/"].Mode);
        }
        finally
        {
            if (containerId is not null)
            {
                await runtime.RemoveAsync(containerId, TimeSpan.Zero, CancellationToken.None);
                await Engine.Networks.DeleteNetworkAsync(DockerContainerRuntime.NetworkOf(tenantId), CancellationToken.None);
            }

            await images.RemoveAsync(Engine, tag, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_rebuild_of_the_same_tree_is_timed()
    {
        using var source = SourceTree.Create();
        source.Write("index.php", "<?php echo 'again';\n");
        for (var i = 0; i < 50; i++)
        {
            source.Write($"lib/file{i}.php", $"<?php return {i};\n");
        }

        var tag = NewTag();
        try
        {
            var times = new List<long>();
            for (var attempt = 0; attempt < 2; attempt++)
            {
                var watch = Stopwatch.StartNew();
                var built = await images.BuildAsync(Engine, Spec(source.Path, tag), new InlineProgress<string>(_ => { }), Ct);
                times.Add(watch.ElapsedMilliseconds);
                Assert.True(built.Succeeded, built.Failure?.Message);
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"BuildAsync of a 51-file tree: first {times[0]} ms, again {times[1]} ms");
        }
        finally
        {
            await images.RemoveAsync(Engine, tag, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_missing_base_image_is_named_and_never_pulled()
    {
        using var source = SourceTree.Create();
        source.Write("index.php", "<?php echo 1;\n");
        var missing = $"portal-test/missing-{Guid.NewGuid():N}:1";
        var tag = NewTag();

        var built = await images.BuildAsync(Engine, Spec(source.Path, tag) with { BaseImage = missing }, new InlineProgress<string>(_ => { }), Ct);

        Assert.False(built.Succeeded);
        Assert.Contains(missing, built.Failure!.Message, StringComparison.Ordinal);
        Assert.False(await images.ExistsAsync(Engine, tag, Ct));
    }

    [Fact]
    public async Task A_base_image_name_cannot_add_instructions()
    {
        using var source = SourceTree.Create();
        var built = await images.BuildAsync(Engine, Spec(source.Path, NewTag()) with { BaseImage = $"{BuiltInCartridges.Php.Image}\nRUN id" },
            new InlineProgress<string>(_ => { }), Ct);

        Assert.False(built.Succeeded);
    }

    [Fact]
    public async Task An_image_exists_until_removed_and_removing_tolerates_missing_and_in_use()
    {
        using var source = SourceTree.Create();
        source.Write("index.php", "<?php echo 1;\n");
        var tag = NewTag();
        string? containerId = null;
        try
        {
            Assert.False(await images.ExistsAsync(Engine, tag, Ct));
            Assert.True((await images.BuildAsync(Engine, Spec(source.Path, tag), new InlineProgress<string>(_ => { }), Ct)).Succeeded);
            Assert.True(await images.ExistsAsync(Engine, tag, Ct));

            // A container of the image (even a stopped one) keeps it.
            containerId = (await Engine.Containers.CreateContainerAsync(new CreateContainerParameters { Image = tag }, Ct)).ID;
            await images.RemoveAsync(Engine, tag, Ct);
            Assert.True(await images.ExistsAsync(Engine, tag, Ct));

            await Engine.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, Ct);
            containerId = null;
            await images.RemoveAsync(Engine, tag, Ct);
            Assert.False(await images.ExistsAsync(Engine, tag, Ct));

            await images.RemoveAsync(Engine, tag, Ct); // gone already is fine
        }
        finally
        {
            if (containerId is not null)
            {
                await Engine.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
            }

            await images.RemoveAsync(Engine, tag, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Logs_are_the_last_lines_of_stdout_and_stderr_in_order_cut_to_500_characters()
    {
        var runtime = new DockerContainerRuntime(Engine, Guid.NewGuid());
        // A pause between lines: the engine reads stdout and stderr separately, so only lines apart in time keep their order.
        const string script = """for($i=1;$i<=30;$i++){fwrite($i%2?STDOUT:STDERR,"line $i\n");usleep(20000);}fwrite(STDOUT,str_repeat("x",600)."\n");""";
        var created = await Engine.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = BuiltInCartridges.Php.Image,
            Cmd = ["php", "-r", script],
        }, Ct);
        try
        {
            await Engine.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), Ct);
            var exited = await Engine.Containers.WaitContainerAsync(created.ID, Ct);
            Assert.Equal(0, exited.StatusCode);

            var lines = await runtime.LogsAsync(created.ID, 10, Ct);

            Assert.Equal([.. Enumerable.Range(22, 9).Select(i => $"line {i}"), new string('x', ContainerLogs.MaxLineLength)], lines);
            Assert.Empty(await runtime.LogsAsync(created.ID, 0, Ct));
            Assert.Equal(31, (await runtime.LogsAsync(created.ID, 1000, Ct)).Count);
        }
        finally
        {
            await runtime.RemoveAsync(created.ID, TimeSpan.Zero, CancellationToken.None);
        }

        Assert.Empty(await runtime.LogsAsync(created.ID, 10, Ct)); // gone
    }

    private const string DockerfileEntry = "app/" + ReleaseImages.DockerfileName;

    private static ReleaseImageSpec Spec(string source, string tag) =>
        new(BuiltInCartridges.Php.Image, source, tag, new Dictionary<string, string> { ["portal.test.release"] = Path.GetFileName(source) });

    /// <summary>The entries under <paramref name="path"/> in a container, as the engine archives them (modes, owners, links).</summary>
    private async Task<Dictionary<string, TarEntry>> EntriesAsync(string containerId, string path)
    {
        var archive = await Engine.Containers.GetArchiveFromContainerAsync(containerId, new GetArchiveFromContainerParameters { Path = path }, statOnly: false, Ct);
        await using var stream = archive.Stream;
        var entries = new Dictionary<string, TarEntry>(StringComparer.Ordinal);
        await using var reader = new TarReader(stream);
        while (await reader.GetNextEntryAsync(copyData: false, Ct) is { } entry)
        {
            entries[entry.Name] = entry;
        }

        return entries;
    }

    /// <summary>A temporary source tree (as an export of a commit writes it), deleted afterwards.</summary>
    private sealed class SourceTree : IDisposable
    {
        private SourceTree(string path) => Path = path;

        public string Path { get; }

        public static SourceTree Create() => new(Directory.CreateTempSubdirectory("portal-release-").FullName);

        public void Write(string name, string content, UnixFileMode? mode = null)
        {
            var file = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllText(file, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, mode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            }
        }

        public void Link(string name, string target) => File.CreateSymbolicLink(System.IO.Path.Combine(Path, name), target);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
