using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Docker.DotNet.Models;
using Npgsql;
using Portal.Infrastructure.Docker;
using Portal.Tests.Support;

namespace Portal.Tests.Applications;

/// <summary>
/// Applications on a real Docker engine, driven over the API as a tenant would: a MySQL database and a PHP
/// application linked to it, members replaced when they die, scaling, deleting, and a portal restart.
/// </summary>
public sealed class ApplicationsOnDockerTests(RuntimePortalFixture fixture) : IClassFixture<RuntimePortalFixture>
{
    [Fact]
    public async Task A_PHP_application_linked_later_to_a_MySQL_application_reads_from_it()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("acme"));

        var clock = Stopwatch.StartNew();
        var shop = await tenant.CreateApplicationAsync(new { name = "shop", cartridge = "php", minMembers = 2, maxMembers = 3 });
        var db = await tenant.CreateApplicationAsync(new { name = "db", cartridge = "mysql" });
        Assert.Equal("mysql", db.GetProperty("cartridge").GetString());
        Assert.Equal(1, db.GetProperty("desiredMembers").GetInt32());
        db = await tenant.WaitUntilRunningAsync("db", 1);
        var unlinked = (await tenant.WaitUntilRunningAsync("shop", 2)).MemberIds();
        TestContext.Current.TestOutputHelper?.WriteLine($"db (mysql) and shop (php, 2 members) were all Active {clock.Elapsed.TotalSeconds:0.0} s after being created");
        var before = await fixture.Docker.Containers.InspectContainerAsync((await fixture.ContainerOfAsync(unlinked[0])).ID);
        Assert.DoesNotContain(before.Config.Env, e => e.StartsWith("DB_", StringComparison.Ordinal));

        // Linked afterwards: the members are replaced by ones started with the database's variables.
        clock.Restart();
        using (var link = await tenant.PutAsJsonAsync("/api/v1/applications/shop/link", new { database = "db" }))
        {
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
            Assert.Equal(["db"], (await link.JsonAsync()).GetProperty("links").EnumerateArray().Select(l => l.GetString()));
        }

        shop = await tenant.WaitForAsync("shop", a => a.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "active") == 2
                                                       && !a.MemberIds().Intersect(unlinked).Any(), seconds: 90);
        TestContext.Current.TestOutputHelper?.WriteLine($"Linked: both members replaced in {clock.Elapsed.TotalSeconds:0.0} s");
        db = await tenant.WaitUntilRunningAsync("db", 1);
        Assert.Equal(["shop"], db.GetProperty("linkedBy").EnumerateArray().Select(l => l.GetString()));
        foreach (var member in shop.GetProperty("members").EnumerateArray())
        {
            Assert.Equal("local", member.GetProperty("partition").GetString());
            Assert.True(member.GetProperty("started").GetDateTimeOffset() <= member.GetProperty("activeAt").GetDateTimeOffset());
        }

        // Each PHP member reads from MySQL through the variables the link injected.
        foreach (var memberId in shop.MemberIds())
        {
            var container = await fixture.ContainerOfAsync(memberId);
            var page = await WaitForPageAsync(container, "Connected to database");
            Assert.Contains("Connected to database db on db (server 10.11", page);
            Assert.Contains($"Served by member {memberId}", page);
        }

        // The variables are there; the password is stored encrypted and shown nowhere in the API.
        var shopContainer = await fixture.Docker.Containers.InspectContainerAsync((await fixture.ContainerOfAsync(shop.MemberIds()[0])).ID);
        var variables = shopContainer.Config.Env.Select(e => e.Split('=', 2)).ToDictionary(e => e[0], e => e[1]);
        Assert.Equal(("db", "3306", "db", "db"), (variables["DB_HOST"], variables["DB_PORT"], variables["DB_NAME"], variables["DB_USER"]));
        var password = variables["DB_PASSWORD"];
        Assert.Equal(32, password.Length);
        Assert.Equal($"mysql://db:{password}@db:3306/db", variables["DATABASE_URL"]);
        Assert.DoesNotContain(password, await (await tenant.GetAsync("/api/v1/applications/db")).Content.ReadAsStringAsync());
        Assert.DoesNotContain(password, await (await tenant.GetAsync("/api/v1/applications")).Content.ReadAsStringAsync());
        var stored = await StoredCredentialsAsync("db");
        Assert.NotNull(stored);
        Assert.DoesNotContain(password, stored);

        // A data application keeps its data on its own volume.
        var dbContainer = await fixture.Docker.Containers.InspectContainerAsync((await fixture.ContainerOfAsync(db.MemberIds()[0])).ID);
        var mount = Assert.Single(dbContainer.Mounts);
        Assert.Equal(("volume", "/var/lib/mysql"), (mount.Type, mount.Destination));
    }

    [Fact]
    public async Task A_changed_cartridge_replaces_the_members_of_its_applications_with_ones_started_as_it_says_now()
    {
        var cartridge = $"shop-{Guid.NewGuid().ToString("N")[..6]}";
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        object Definition(string currency) => new
        {
            name = cartridge, displayName = "Shop", version = "1", image = "portal/php:8.2", containerPort = 8080, cpuLimit = 0.25,
            environment = new Dictionary<string, string> { ["SHOP_CURRENCY"] = currency },
        };
        Assert.Equal(HttpStatusCode.Created, (await ops.PostAsJsonAsync("/api/v1/cartridges", Definition("EUR"))).StatusCode);
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("recart"));
        await tenant.CreateApplicationAsync(new { name = "shop", cartridge });
        var first = Assert.Single((await tenant.WaitUntilRunningAsync("shop", 1)).MemberIds());
        Assert.Contains("SHOP_CURRENCY=EUR", (await fixture.Docker.Containers.InspectContainerAsync((await fixture.ContainerOfAsync(first)).ID)).Config.Env);

        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync($"/api/v1/cartridges/{cartridge}", Definition("USD"))).StatusCode);

        var replaced = await tenant.WaitForAsync("shop", a => a.GetProperty("activeMembers").GetInt32() == 1 && a.GetProperty("members").GetArrayLength() == 1
                                                             && !a.MemberIds().Contains(first));
        var container = await fixture.Docker.Containers.InspectContainerAsync((await fixture.ContainerOfAsync(Assert.Single(replaced.MemberIds()))).ID);
        Assert.Contains("SHOP_CURRENCY=USD", container.Config.Env);
        Assert.Equal(250_000_000, container.HostConfig.NanoCPUs);
    }

    [Fact]
    public async Task Stratoss_wordpress_sample_deploys_its_php_only_once_its_mysql_runs_and_php_reads_from_it()
    {
        using (var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword))
        {
            foreach (var sample in StratosSamples.PlatformInOrder)
            {
                await Api.StratosImportTests.ImportAsync(ops, StratosSamples.Text(sample));
            }
        }

        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("wordpress"));
        await Api.StratosImportTests.ImportAsync(tenant, StratosSamples.Text(StratosSamples.Wordpress));

        // While the database starts, the PHP application waits for it, saying so.
        var waiting = await tenant.WaitForAsync("my-php", a => a.GetProperty("problem").GetString() is not null, seconds: 30);
        Assert.Equal("It starts after my-mysql, which has no Active member yet.", waiting.GetProperty("problem").GetString());
        Assert.Empty(waiting.GetProperty("members").EnumerateArray());

        var mysql = await tenant.WaitUntilRunningAsync("my-mysql", 1);
        var php = await tenant.WaitUntilRunningAsync("my-php", 2);
        var databaseActive = mysql.GetProperty("members")[0].GetProperty("activeAt").GetDateTimeOffset();
        Assert.All(php.GetProperty("members").EnumerateArray(), m => Assert.True(m.GetProperty("createdAt").GetDateTimeOffset() >= databaseActive,
            $"PHP member created at {m.GetProperty("createdAt")}, before the database was Active at {databaseActive:O}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"my-mysql Active at {databaseActive:O}; my-php's members created at " +
            string.Join(", ", php.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("createdAt").GetDateTimeOffset().ToString("O"))));

        var page = await WaitForPageAsync(await fixture.ContainerOfAsync(php.MemberIds()[0]), "Connected to database");
        Assert.Contains("Connected to database my_mysql on my-mysql", page);
    }

    [Fact]
    public async Task A_killed_member_is_replaced_within_15_seconds_and_its_fault_recorded()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("kill"));
        await tenant.CreateApplicationAsync(new { name = "web", cartridge = "php", minMembers = 2, maxMembers = 2 });
        var before = await tenant.WaitUntilRunningAsync("web", 2);
        var victim = before.MemberIds()[0];

        var clock = Stopwatch.StartNew();
        await fixture.Docker.Containers.KillContainerAsync((await fixture.ContainerOfAsync(victim)).ID, new ContainerKillParameters());
        var after = await tenant.WaitForAsync("web", a =>
            a.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "active") == 2
            && !a.MemberIds().Contains(victim), seconds: 15);
        clock.Stop();

        Assert.Contains(before.MemberIds()[1], after.MemberIds());
        var fault = Assert.Single(after.GetProperty("recentlyFaulted").EnumerateArray());
        Assert.Equal(victim, fault.GetProperty("id").GetString());
        Assert.Equal("faulted", fault.GetProperty("state").GetString());
        Assert.StartsWith("Its container stopped.", fault.GetProperty("faultReason").GetString(), StringComparison.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine($"A killed member was replaced by an Active one in {clock.Elapsed.TotalSeconds:0.0} s");

        // The dead container is removed, not left behind.
        var containers = await fixture.ContainersAsync($"{DockerContainerRuntime.MemberLabel}={victim}");
        Assert.Empty(containers);
    }

    [Fact]
    public async Task A_database_runs_its_schema_once_and_its_data_survives_its_member_being_replaced()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("vault"));
        const string Schema = """
            -- the shop's catalogue
            CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(40) NOT NULL UNIQUE);
            INSERT INTO notes (body) VALUES ('seeded');
            """;
        var created = await tenant.CreateApplicationAsync(new { name = "vault", cartridge = "mysql", schema = Schema });
        Assert.Equal(Schema, created.GetProperty("schema").GetString());
        var first = (await tenant.WaitUntilRunningAsync("vault", 1)).MemberIds()[0];
        const string Client = "mariadb -h 127.0.0.1 -u\"$DB_USER\" -p\"$DB_PASSWORD\" \"$DB_NAME\" -N -e";
        var container = (await fixture.ContainerOfAsync(first)).ID;
        Assert.Equal("seeded", (await fixture.ExecAsync(container, $"{Client} \"SELECT body FROM notes\"")).Trim());
        await fixture.ExecAsync(container, $"{Client} \"INSERT INTO notes (body) VALUES ('kept')\"");

        // The replacement starts on the same volume: the data is there and the schema is not run again (its INSERT
        // would fail on the unique body, stopping the member).
        await fixture.Docker.Containers.KillContainerAsync(container, new ContainerKillParameters());
        var replaced = await tenant.WaitForAsync("vault", a =>
            a.GetProperty("activeMembers").GetInt32() == 1 && !a.MemberIds().Contains(first), seconds: 30);

        var again = (await fixture.ContainerOfAsync(replaced.MemberIds()[0])).ID;
        Assert.Equal("seeded\nkept", (await fixture.ExecAsync(again, $"{Client} \"SELECT body FROM notes ORDER BY id\"")).Trim());
    }

    [Fact]
    public async Task A_schema_that_fails_stops_the_member_with_the_databases_error_on_the_application()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("typo"));
        await tenant.CreateApplicationAsync(new { name = "db", cartridge = "mysql", schema = "CREATE TABLE ok (id INT);\nCREATE TABEL broken (id INT);" });

        var failed = await tenant.WaitForAsync("db", a => a.GetProperty("recentlyFaulted").GetArrayLength() > 0, seconds: 90);
        var reason = failed.GetProperty("recentlyFaulted")[0].GetProperty("faultReason").GetString()!;
        Assert.StartsWith("Its container stopped. Its last output:", reason, StringComparison.Ordinal);
        Assert.Contains("portal-schema.sql failed: ERROR 1064 (42000) at line 2", reason, StringComparison.Ordinal);
        Assert.Equal(0, failed.GetProperty("activeMembers").GetInt32());
    }

    [Fact]
    public async Task The_members_that_fit_start_when_the_policy_cannot_hold_them_all_and_the_rest_is_reported()
    {
        using var ops = await fixture.Portal.SignInAsync(PortalFactory.AdminEmail, PortalFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await ops.PutAsJsonAsync("/api/v1/admin/deployment-policies/tight", new
        {
            algorithm = "roundRobin",
            partitions = new object[] { new { partition = "local", maxMembers = 1 } },
        })).StatusCode);
        using var client = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("tight"));
        await client.CreateApplicationAsync(new { name = "wide", cartridge = "php", minMembers = 2, maxMembers = 2, deploymentPolicy = "tight" });

        var wide = await client.WaitForAsync("wide", a =>
            a.GetProperty("activeMembers").GetInt32() == 1 && a.GetProperty("problem").GetString() is { } problem && problem.Contains("cannot be placed"));
        Assert.Equal("degraded", wide.GetProperty("status").GetString());
        Assert.Contains("1 member(s) cannot be placed", wide.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Scaling_starts_and_drains_members_within_min_and_max()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("scale"));
        await tenant.CreateApplicationAsync(new { name = "api", cartridge = "php", minMembers = 1, maxMembers = 3 });
        var one = await tenant.WaitUntilRunningAsync("api", 1);

        var scaled = await tenant.PostAsJsonAsync("/api/v1/applications/api/scale", new { members = 3 });
        Assert.Equal(HttpStatusCode.OK, scaled.StatusCode);
        var three = await tenant.WaitUntilRunningAsync("api", 3);
        Assert.Contains(one.MemberIds()[0], three.MemberIds());

        var tooMany = await tenant.PostAsJsonAsync("/api/v1/applications/api/scale", new { members = 4 });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("between 1 and 3", (await tooMany.JsonAsync()).GetProperty("errors").GetProperty("members")[0].GetString());

        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsJsonAsync("/api/v1/applications/api/scale", new { members = 1 })).StatusCode);
        var back = await tenant.WaitUntilRunningAsync("api", 1, seconds: 60);
        var kept = Assert.Single(back.MemberIds());
        foreach (var gone in three.MemberIds().Where(id => id != kept))
        {
            Assert.Empty(await fixture.ContainersAsync($"{DockerContainerRuntime.MemberLabel}={gone}"));
        }
    }

    [Fact]
    public async Task Deleting_a_data_application_is_refused_while_linked_and_then_removes_its_data()
    {
        using var tenant = await fixture.Portal.SignUpAsync(ApiClient.UniqueTenant("delete"));
        await tenant.CreateApplicationAsync(new { name = "store", cartridge = "mysql" });
        await tenant.CreateApplicationAsync(new { name = "site", cartridge = "php", links = new[] { "store" } });
        var store = await tenant.WaitUntilRunningAsync("store", 1);
        await tenant.WaitUntilRunningAsync("site", 1);
        var storeContainer = await fixture.ContainerOfAsync(store.MemberIds()[0]);
        var volume = Assert.Single((await fixture.Docker.Containers.InspectContainerAsync(storeContainer.ID)).Mounts).Name;
        var network = DockerContainerRuntime.NetworkOf(Guid.Parse(storeContainer.Labels[DockerContainerRuntime.TenantLabel]));

        var refused = await tenant.DeleteAsync("/api/v1/applications/store");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("'site'", (await refused.JsonAsync()).GetProperty("detail").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.DeleteAsync("/api/v1/applications/site")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await tenant.DeleteAsync("/api/v1/applications/store")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/api/v1/applications/store")).StatusCode);

        // The reconciler removes the containers and the volume within a few passes.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && (await OfTenantAsync(store) > 0 || await VolumeExistsAsync(volume) || await NetworkExistsAsync(network)))
        {
            await Task.Delay(250);
        }

        Assert.Equal(0, await OfTenantAsync(store));
        Assert.False(await VolumeExistsAsync(volume), "the data application's volume is still there");
        Assert.False(await NetworkExistsAsync(network), "the tenant's network is still there though it has no application left");
    }

    [Fact]
    public async Task Restarting_the_portal_keeps_its_members_and_leaves_no_orphan()
    {
        using (var tenant = await fixture.Portal.SignUpAsync("restart-" + Guid.NewGuid().ToString("N")[..6], "admin@restart.test"))
        {
            await tenant.CreateApplicationAsync(new { name = "blog", cartridge = "php", minMembers = 2, maxMembers = 2 });
            await tenant.WaitUntilRunningAsync("blog", 2);
        }

        var installation = await fixture.InstallationIdAsync();
        var before = await fixture.ContainersAsync();
        string? stray = null;
        await fixture.RestartAsync(async () =>
        {
            // While the portal is down, a container of this installation that no application owns appears
            // (as if the portal had crashed between starting it and recording it).
            var created = await fixture.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = "portal/php:8.2",
                Labels = new Dictionary<string, string>
                {
                    [DockerContainerRuntime.InstallationLabel] = installation.ToString(),
                    [DockerContainerRuntime.TenantLabel] = Guid.NewGuid().ToString(),
                    [DockerContainerRuntime.ApplicationLabel] = Guid.NewGuid().ToString(),
                    [DockerContainerRuntime.ClusterLabel] = Guid.NewGuid().ToString(),
                    [DockerContainerRuntime.MemberLabel] = Guid.NewGuid().ToString(),
                },
            });
            await fixture.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
            stray = created.ID;
        });

        using var again = await fixture.Portal.SignInAsync("admin@restart.test", ApiClient.Password);
        var blog = await again.WaitUntilRunningAsync("blog", 2);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (await fixture.ContainersAsync()).Any(c => c.ID == stray))
        {
            await Task.Delay(250);
        }

        var after = await fixture.ContainersAsync();
        Assert.DoesNotContain(after, c => c.ID == stray);
        var blogMembers = after.Where(c => blog.MemberIds().Contains(c.Labels[DockerContainerRuntime.MemberLabel])).ToList();
        Assert.Equal(2, blogMembers.Count);
        Assert.All(blogMembers, c => Assert.Contains(before, b => b.ID == c.ID)); // the same containers, not new ones
    }

    private async Task<int> OfTenantAsync(System.Text.Json.JsonElement application) =>
        (await fixture.ContainersAsync()).Count(c => application.MemberIds().Contains(c.Labels[DockerContainerRuntime.MemberLabel]));

    private async Task<bool> VolumeExistsAsync(string name)
    {
        try
        {
            await fixture.Docker.Volumes.InspectAsync(name);
            return true;
        }
        catch (Docker.DotNet.DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<bool> NetworkExistsAsync(string name) =>
        (await fixture.Docker.Networks.ListNetworksAsync(new NetworksListParameters())).Any(n => n.Name == name);

    private async Task<string?> StoredCredentialsAsync(string application)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"ProtectedCredentials\" FROM \"Applications\" WHERE \"Name\" = @name", connection);
        command.Parameters.AddWithValue("name", application);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<string> WaitForPageAsync(ContainerListResponse container, string expected)
    {
        var port = container.Ports.Single(p => p.PrivatePort == 8080 && p.IP == "127.0.0.1").PublicPort;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var page = "";
        while (DateTime.UtcNow < deadline)
        {
            page = await HttpProbe.GetWhenUpAsync(new Uri($"http://127.0.0.1:{port}/"));
            if (page.Contains(expected, StringComparison.Ordinal))
            {
                return page;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"The page never said '{expected}'; last: {page}");
        return page;
    }
}
