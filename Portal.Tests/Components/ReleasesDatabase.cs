using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Applications;
using Portal.Core.Cartridges;
using Portal.Core.Common;
using Portal.Core.Git;
using Portal.Core.Partitions;
using Portal.Core.Releases;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Identity;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Releases;
using Portal.Tenancy;

namespace Portal.Tests.Components;

/// <summary>
/// What the repository and releases cards use, registered as the portal registers it: the real
/// <see cref="ReleaseService"/> on a fresh SQLite database that holds tenant <see cref="Tenant"/> with the php
/// application <see cref="Application"/>, and <see cref="Email"/> of that tenant signed in. No release worker runs:
/// queued releases stay queued. The database is deleted on dispose.
/// </summary>
internal sealed class ReleasesDatabase : IDisposable
{
    public const string Tenant = "acme";
    public const string Application = "web";
    public const string Email = "ana@acme.test";
    public const string GitAuthor = "Ada Lovelace";

    /// <summary>The first release's time; later ones follow by the minute.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private readonly string directory;
    private readonly DbContextOptions<SqlitePortalDbContext> options;

    private ReleasesDatabase(string directory)
    {
        this.directory = directory;
        // No pooling: nothing keeps the file open once the contexts are gone.
        options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite($"Data Source={Path.Combine(directory, "portal.db")};Pooling=False").Options;
    }

    public Guid TenantId { get; } = Guid.CreateVersion7();

    /// <summary>A portal data directory next to the database (for a git source's caches).</summary>
    public string DataDirectory => Path.Combine(directory, "data");

    public Guid ApplicationId { get; } = Guid.CreateVersion7();

    /// <summary>Protects repository passwords and webhook secrets, for the service and for seeding alike.</summary>
    public IDataProtectionProvider Protection { get; } = new EphemeralDataProtectionProvider();

    public static async Task<ReleasesDatabase> CreateAsync()
    {
        var database = new ReleasesDatabase(Directory.CreateTempSubdirectory("portal-releases-ui-").FullName);
        try
        {
            await using var db = database.Open();
            await db.Database.EnsureCreatedAsync();
            var php = Cartridge.From(BuiltInCartridges.Php, builtIn: true, Start);
            var policy = new DeploymentPolicy { Name = DeploymentPolicy.DefaultName, CreatedAt = Start };
            db.Tenants.Add(new Tenant { Id = database.TenantId, Slug = Tenant, DisplayName = "Acme", CreatedAt = Start });
            db.Cartridges.Add(php);
            db.DeploymentPolicies.Add(policy);
            db.Applications.Add(new Application
            {
                Id = database.ApplicationId, Name = Application, CartridgeId = php.Id, DeploymentPolicyId = policy.Id,
                MinMembers = 1, MaxMembers = 2, DesiredMembers = 1, CreatedAt = Start,
            });
            await db.SaveChangesAsync();
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Registers what the components inject, with <paramref name="git"/> as the git source.</summary>
    public void Register(IServiceCollection services, IGitSource git)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "ana"),
            new Claim(ClaimTypes.Email, Email),
            new Claim(PortalClaimTypes.TenantId, TenantId.ToString()),
            new Claim(PortalClaimTypes.Tenant, Tenant),
        ], "Test"));
        services.AddSingleton<IHttpContextAccessor>(new SignedIn(new DefaultHttpContext { User = user }));
        services.AddScoped<CurrentUser>();
        services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddScoped<PortalDbContext>(sp => new SqlitePortalDbContext(options, sp.GetRequiredService<ITenantContext>()));
        services.AddSingleton(git);
        services.AddSingleton(Protection);
        services.AddSingleton<ReleaseSignal>();
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<ReleaseService>();
    }

    /// <summary>A context acting as the tenant, for seeding and checking.</summary>
    public SqlitePortalDbContext Open() => new(options, new AsTenant(TenantId));

    /// <summary>Links a repository as if it had been linked before (no fetch); returns its webhook secret.</summary>
    public async Task<string> LinkAsync(string url, string? username = null, string? password = null, TimeSpan? pollInterval = null)
    {
        var secret = RepositorySecrets.NewWebhookSecret();
        await using var db = Open();
        db.Repositories.Add(new LinkedRepository
        {
            ApplicationId = ApplicationId, Url = url, Branch = RepositoryRules.DefaultBranch, Username = username,
            ProtectedPassword = password is null ? null : RepositorySecrets.ProtectPassword(Protection, password),
            ProtectedWebhookSecret = RepositorySecrets.ProtectWebhookSecret(Protection, secret),
            PollInterval = pollInterval, LinkedAt = Start,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public async Task<LinkedRepository?> RepositoryAsync()
    {
        await using var db = Open();
        return await db.Repositories.AsNoTracking().SingleOrDefaultAsync();
    }

    /// <summary>Adds release <paramref name="number"/> of the commit <paramref name="commit"/>, taken as far as <paramref name="shape"/> says.</summary>
    public async Task<Release> AddReleaseAsync(int number, string commit, string subject, Action<Release, DateTimeOffset> shape, bool serving = false)
    {
        var created = Start.AddMinutes(number);
        var release = new Release
        {
            ApplicationId = ApplicationId, Number = number, Trigger = ReleaseTrigger.User, TriggeredBy = Email, CreatedAt = created,
        };
        release.Resolved(commit, subject, GitAuthor, created.AddMinutes(-5));
        shape(release, created);
        await using var db = Open();
        db.Releases.Add(release);
        if (serving)
        {
            (await db.Applications.SingleAsync()).ReleaseId = release.Id;
        }

        await db.SaveChangesAsync();
        return release;
    }

    /// <summary>Changes a stored release as the release worker would.</summary>
    public async Task UpdateReleaseAsync(int number, Action<Release> change)
    {
        await using var db = Open();
        change(await db.Releases.SingleAsync(r => r.Number == number));
        await db.SaveChangesAsync();
    }

    public async Task<List<Release>> ReleasesAsync()
    {
        await using var db = Open();
        return await db.Releases.AsNoTracking().OrderBy(r => r.Number).ToListAsync();
    }

    /// <summary>A release that went through every step and served: built 2.5 s, healthy after 4 s.</summary>
    public static void Succeeded(Release release, DateTimeOffset at)
    {
        release.Begin(Release.Fetch, at.AddSeconds(1), "fetched main");
        release.Begin(Release.Build, at.AddSeconds(1.4), "built");
        release.Image = $"portal/web:{release.ShortCommit}";
        release.Begin(Release.Start, at.AddSeconds(3.9), "2 members");
        release.Begin(Release.Health, at.AddSeconds(5), "waiting for 2 members");
        release.Begin(Release.Switch, at.AddSeconds(9), "router switched");
        release.Begin(Release.Drain, at.AddSeconds(9.2), "1 old member");
        release.Succeed(at.AddSeconds(12));
    }

    /// <summary>A release whose members never passed their health check: its error and the container's last lines.</summary>
    public static void FailedHealthCheck(Release release, DateTimeOffset at)
    {
        release.Begin(Release.Fetch, at.AddSeconds(1), "fetched main");
        release.Begin(Release.Build, at.AddSeconds(1.2), "built");
        release.Image = $"portal/web:{release.ShortCommit}";
        release.Begin(Release.Start, at.AddSeconds(3), "2 members");
        release.Begin(Release.Health, at.AddSeconds(4), "waiting for 2 members");
        release.Fail("The members did not pass their health check within 60 s.", at.AddSeconds(64),
            ["PHP Fatal error:  Uncaught Error: Call to undefined function db_connect()", "in /var/www/html/index.php:3"]);
    }

    /// <summary>A release building its image now.</summary>
    public static void Building(Release release, DateTimeOffset at)
    {
        release.Begin(Release.Fetch, at.AddSeconds(1), "fetched main");
        release.Begin(Release.Build, at.AddSeconds(1.3), "building");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class SignedIn(HttpContext context) : IHttpContextAccessor
    {
        public HttpContext? HttpContext
        {
            get => context;
            set { }
        }
    }

    private sealed class AsTenant(Guid id) : ITenantContext
    {
        public Guid? TenantId => id;
    }
}

/// <summary>
/// The real git source, watched: counts fetches, can hold them until released (to see the card while it fetches), and
/// records the link each fetch was given (to see which password was used).
/// </summary>
internal sealed class WatchedGitSource(IGitSource inner) : IGitSource
{
    private TaskCompletionSource? gate;

    public List<RepositoryLink> Fetched { get; } = [];

    /// <summary>Fetches wait until <see cref="Resume"/>.</summary>
    public void Hold() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => gate?.TrySetResult();

    /// <summary>Answers fetches with this commit instead of fetching (for URLs no test can reach).</summary>
    public CommitInfo? Answer { get; set; }

    public async Task<Result<CommitInfo>> FetchAsync(Guid applicationId, RepositoryLink link, CancellationToken cancellationToken)
    {
        Fetched.Add(link);
        if (gate is { } held)
        {
            await held.Task.WaitAsync(cancellationToken);
        }

        return Answer is { } answer ? answer : await inner.FetchAsync(applicationId, link, cancellationToken);
    }

    public Task<Result<CommitInfo>> ResolveAsync(Guid applicationId, string commitId, CancellationToken cancellationToken) =>
        inner.ResolveAsync(applicationId, commitId, cancellationToken);

    public Task<Result<GitExport>> ExportAsync(Guid applicationId, string commitId, string targetDirectory, CancellationToken cancellationToken) =>
        inner.ExportAsync(applicationId, commitId, targetDirectory, cancellationToken);

    public Task RemoveAsync(Guid applicationId, CancellationToken cancellationToken) => inner.RemoveAsync(applicationId, cancellationToken);
}
