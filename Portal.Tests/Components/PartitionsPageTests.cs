using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartitionsPage = Portal.Components.Pages.Admin.Partitions;
using Portal.Core.Partitions;
using Portal.Infrastructure.Partitions;
using Portal.Tests.Support;
using static Portal.Tests.Components.AutoscalingDatabase;

namespace Portal.Tests.Components;

/// <summary>
/// The admin console's Partitions page on the real catalogue and a real database: a partition is edited in place,
/// deleted after a confirmation (refused, with what uses it, while a policy names it), and a network partition that
/// holds nothing is deleted.
/// </summary>
public sealed class PartitionsPageTests : AutoscalingComponentContext
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Services.AddSingleton<PartitionMonitor>();
        Services.AddSingleton(Options.Create(DockerEngine.Options));
        Services.AddScoped<PartitionCatalogue>();
    }

    private IRenderedComponent<PartitionsPage> RenderPage()
    {
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var page = Render<PartitionsPage>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=partitions] .mud-table-loading")), Patience);
        return page;
    }

    private static IElement RowOf(IRenderedComponent<PartitionsPage> page, string table, string name) =>
        page.FindAll($"[data-testid={table}] tbody tr").Single(r => r.QuerySelector("td b")?.TextContent == name);

    private async Task<Partition> PartitionAsync(Guid id)
    {
        await using var db = Database.Open(Database.TenantId);
        return await db.Partitions.AsNoTracking().SingleAsync(p => p.Id == id);
    }

    [Fact]
    public async Task A_partition_is_edited_in_place_and_a_bad_endpoint_is_refused_at_its_field()
    {
        var id = await Database.AddPartitionAsync();
        var name = (await PartitionAsync(id)).Name;
        var page = RenderPage();

        RowOf(page, "partitions", name).QuerySelector("[data-testid=partition-edit]")!.Click();
        page.WaitForAssertion(() => Assert.Contains($"Edit partition {name}", page.Find("[data-testid=partition-editor]").TextContent, StringComparison.Ordinal), Patience);
        Assert.True(IsDisabled(page.Find("input[data-testid=partition-name]")));
        Assert.Equal("unix:///var/run/docker.sock", page.Find("input[data-testid=partition-endpoint]").GetAttribute("value"));

        page.Find("input[data-testid=partition-endpoint]").Input("http://10.0.0.5:2375"); // the field follows each key
        page.Find("[data-testid=partition-editor] form").Submit();
        page.WaitForAssertion(() => Assert.Contains("unix://", ErrorUnder(page, "partition-endpoint"), StringComparison.Ordinal), Patience);
        Assert.Equal("unix:///var/run/docker.sock", (await PartitionAsync(id)).Endpoint);

        page.Find("input[data-testid=partition-endpoint]").Input("unix:///run/other-engine.sock");
        Type(page, "partition-network", "eu-west");
        page.Find("[data-testid=partition-editor] form").Submit();

        page.WaitForAssertion(() => Assert.Contains("unix:///run/other-engine.sock", RowOf(page, "partitions", name).TextContent, StringComparison.Ordinal), Patience);
        Assert.Contains("eu-west", RowOf(page, "partitions", name).TextContent, StringComparison.Ordinal);
        Assert.Contains(name, RowOf(page, "network-partitions", "eu-west").TextContent, StringComparison.Ordinal);
        Assert.Contains("Add a partition", page.Find("[data-testid=partition-editor]").TextContent, StringComparison.Ordinal);
        Assert.Contains(Snackbars, s => s.Contains($"Partition {name} saved", StringComparison.Ordinal));
        Assert.Equal("unix:///run/other-engine.sock", (await PartitionAsync(id)).Endpoint);
    }

    [Fact]
    public async Task Deleting_asks_first_is_refused_naming_the_policy_that_uses_it_and_a_free_partition_goes()
    {
        var id = await Database.AddPartitionAsync();
        var name = (await PartitionAsync(id)).Name;
        await using (var db = Database.Open(Database.TenantId))
        {
            db.DeploymentPolicies.Add(new DeploymentPolicy
            {
                Name = "edge", CreatedAt = Start, Partitions = [new PolicyPartition { PartitionId = id, MaxMembers = 2 }],
            });
            await db.SaveChangesAsync();
        }

        var page = RenderPage();
        var network = RowOf(page, "partitions", name).QuerySelectorAll("td")[1].TextContent.Trim();

        RowOf(page, "partitions", name).QuerySelector("[data-testid=partition-delete]")!.Click();
        Assert.Contains($"Delete {name}", MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");
        Assert.Equal(name, (await PartitionAsync(id)).Name);

        RowOf(page, "partitions", name).QuerySelector("[data-testid=partition-delete]")!.Click();
        Answer("Delete");
        page.WaitForAssertion(() => Assert.Contains("the deployment policies edge name it",
            page.Find("[data-testid=partition-delete-error]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(name, (await PartitionAsync(id)).Name);

        RowOf(page, "network-partitions", network).QuerySelector("[data-testid=network-delete]")!.Click();
        Answer("Delete");
        page.WaitForAssertion(() => Assert.Contains($"'{network}' holds the partitions {name}",
            page.Find("[data-testid=partition-delete-error]").TextContent, StringComparison.Ordinal), Patience);

        await using (var db = Database.Open(Database.TenantId))
        {
            await db.DeploymentPolicies.Where(p => p.Name == "edge").ExecuteDeleteAsync();
        }

        RowOf(page, "partitions", name).QuerySelector("[data-testid=partition-delete]")!.Click();
        Answer("Delete");
        page.WaitForAssertion(() => Assert.DoesNotContain(page.FindAll("[data-testid=partitions] tbody tr"), r => r.TextContent.Contains(name, StringComparison.Ordinal)), Patience);
        Assert.Contains(Snackbars, s => s.Contains($"Partition {name} was deleted", StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=partition-delete-error]"));
        Assert.DoesNotContain(page.FindAll("[data-testid=network-partitions] tbody tr"), r => r.TextContent.Contains(network, StringComparison.Ordinal));
        await using (var db = Database.Open(Database.TenantId))
        {
            Assert.False(await db.Partitions.AnyAsync(p => p.Id == id));
        }
    }

    [Fact]
    public async Task A_policys_bad_rows_are_refused_under_their_fields_not_clamped_and_a_good_edit_is_saved()
    {
        var page = RenderPage();
        page.Find("[data-testid=policy-new]").Click();
        Type(page, "policy-name", "spread");
        Type(page, "policy-row-max", "500");

        page.Find("[data-testid=policy-editor] form").Submit();

        page.WaitForAssertion(() => Assert.Equal("Between 1 and 20.", ErrorUnder(page, "policy-row-max")), Patience);
        Assert.Equal("Choose a partition.", ErrorUnder(page, "policy-row-partition"));
        Assert.Equal("500", page.Find("input[data-testid=policy-row-max]").GetAttribute("value"));
        await using (var db = Database.Open(Database.TenantId))
        {
            Assert.False(await db.DeploymentPolicies.AnyAsync(p => p.Name == "spread"));
        }

        page.Find("[data-testid=policy-cancel]").Click();
        var local = await Database.AddPartitionAsync();
        await using (var db = Database.Open(Database.TenantId))
        {
            var policy = await db.DeploymentPolicies.SingleAsync(p => p.Name == "default");
            policy.Partitions = [new PolicyPartition { PartitionId = local, MaxMembers = 20 }];
            await db.SaveChangesAsync();
        }

        page.Dispose();
        page = RenderPage();
        RowOf(page, "policies", "default").QuerySelector("[data-testid=policy-edit]")!.Click();
        Type(page, "policy-row-max", "3");
        page.Find("[data-testid=policy-editor] form").Submit();

        page.WaitForAssertion(() => Assert.Contains("max 3", RowOf(page, "policies", "default").TextContent, StringComparison.Ordinal), Patience);
        await using (var db = Database.Open(Database.TenantId))
        {
            Assert.Equal(3, Assert.Single((await db.DeploymentPolicies.SingleAsync(p => p.Name == "default")).Partitions).MaxMembers);
        }
    }

    [Fact]
    public async Task A_deployment_policy_in_use_is_refused_naming_its_applications_and_a_free_one_is_deleted_after_a_yes()
    {
        var local = await Database.AddPartitionAsync();
        var used = new DeploymentPolicy { Name = "placing", CreatedAt = Start, Partitions = [new PolicyPartition { PartitionId = local, MaxMembers = 2 }] };
        var spare = new DeploymentPolicy { Name = "spare", CreatedAt = Start, Partitions = [new PolicyPartition { PartitionId = local, MaxMembers = 2 }] };
        await using (var db = Database.Open(Database.TenantId))
        {
            db.DeploymentPolicies.AddRange(used, spare);
            await db.SaveChangesAsync();
            await db.Applications.Where(a => a.Name == AutoscalingDatabase.Application).ExecuteUpdateAsync(set => set.SetProperty(a => a.DeploymentPolicyId, used.Id));
        }

        var page = RenderPage();
        Assert.Null(RowOf(page, "policies", "default").QuerySelector("[data-testid=policy-delete]"));

        RowOf(page, "policies", "placing").QuerySelector("[data-testid=policy-delete]")!.Click();
        Answer("Delete");
        page.WaitForAssertion(() => Assert.Contains("'placing' places 1 application(s): acme/web",
            page.Find("[data-testid=policy-delete-error]").TextContent, StringComparison.Ordinal), Patience);

        // Asked and cancelled: nothing happens, and the refusal stays on screen.
        RowOf(page, "policies", "spare").QuerySelector("[data-testid=policy-delete]")!.Click();
        Assert.Contains("Delete spare?", MessageBoxText(), StringComparison.Ordinal);
        Answer("Cancel");
        Assert.Contains("acme/web", page.Find("[data-testid=policy-delete-error]").TextContent, StringComparison.Ordinal);

        RowOf(page, "policies", "spare").QuerySelector("[data-testid=policy-delete]")!.Click();
        Answer("Delete");
        page.WaitForAssertion(() => Assert.DoesNotContain(page.FindAll("[data-testid=policies] tbody tr"), r => r.QuerySelector("td b")?.TextContent == "spare"), Patience);
        Assert.Empty(page.FindAll("[data-testid=policy-delete-error]"));
        Assert.Contains(Snackbars, s => s.Contains("Deployment policy spare was deleted", StringComparison.Ordinal));
        await using (var db = Database.Open(Database.TenantId))
        {
            Assert.Equal(["default", "placing"], await db.DeploymentPolicies.Select(p => p.Name).OrderBy(n => n).ToListAsync());
        }
    }
}
