using Microsoft.Extensions.Options;
using Portal.Core.Git;
using Portal.Infrastructure;
using Portal.Infrastructure.Git;

namespace Portal.Tests.Components;

/// <summary>
/// A bUnit context for the repository and releases cards: the real services on a fresh database
/// (<see cref="ReleasesDatabase"/>), MudBlazor's providers, and helpers to fill in forms and answer confirmations.
/// </summary>
public abstract class ReleasesComponentContext : ServicesComponentContext
{
    private ReleasesDatabase? database;

    internal ReleasesDatabase Database => database ?? throw new InvalidOperationException("The database is made in InitializeAsync.");

    public override async ValueTask InitializeAsync()
    {
        database = await ReleasesDatabase.CreateAsync();
        database.Register(Services, await GitSourceAsync());
    }

    /// <summary>The git source the service fetches with; by default one nothing is fetched from.</summary>
    protected virtual Task<IGitSource> GitSourceAsync() => Task.FromResult<IGitSource>(new GitRepositories(
        Options.Create(new GitOptions()), Options.Create(new PortalOptions { DataDirectory = Database.DataDirectory }),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<GitRepositories>.Instance));

    protected override void Cleanup() => database?.Dispose();
}
