using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portal.Core.Git;
using Portal.Infrastructure;
using Portal.Infrastructure.Git;

namespace Portal.Tests.Git;

/// <summary>The git service as <c>AddInfrastructure</c> registers it (the host is built, not started).</summary>
public sealed class GitRegistrationTests
{
    private static IHost Build(string dataDirectory, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)).Append(KeyValuePair.Create("Portal:DataDirectory", (string?)dataDirectory)));
        builder.AddInfrastructure();
        return builder.Build();
    }

    [Fact]
    public void One_singleton_serves_as_the_port_with_caches_under_the_data_directory()
    {
        var data = Directory.CreateTempSubdirectory("portal-git-di-").FullName;
        try
        {
            using var host = Build(data, ("Portal:Git:FetchTimeout", "00:00:30"));

            var source = host.Services.GetRequiredService<IGitSource>();

            Assert.Same(host.Services.GetRequiredService<GitRepositories>(), source);
            Assert.Same(source, host.Services.GetRequiredService<IGitSource>());
            Assert.Equal(Path.Combine(data, "git"), ((GitRepositories)source).CacheRoot);
            Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<GitOptions>>().Value.FetchTimeout);
            Assert.False(Directory.Exists(Path.Combine(data, "git"))); // nothing is written before the first fetch
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void A_fetch_timeout_out_of_range_is_refused()
    {
        var data = Directory.CreateTempSubdirectory("portal-git-di-").FullName;
        try
        {
            using var host = Build(data, ("Portal:Git:FetchTimeout", "00:00:00"));

            var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<GitOptions>>().Value);
            Assert.Contains("FetchTimeout", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
