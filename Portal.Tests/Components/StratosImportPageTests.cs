using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Components.Pages.Import;
using Portal.Infrastructure.Cartridges;
using Portal.Infrastructure.Partitions;
using Portal.Infrastructure.Stratos;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The Stratos upload page on the real importer and a real database: files in their import order, what each mapped, refusals in words.</summary>
public sealed class StratosImportPageTests : AutoscalingComponentContext
{
    private void AddImporter()
    {
        Services.AddScoped<CartridgeCatalogue>();
        Services.AddSingleton<PartitionMonitor>();
        Services.AddSingleton(Options.Create(DockerEngine.Options));
        Services.AddScoped<PartitionCatalogue>();
        Services.AddScoped<StratosImporter>();
    }

    [Fact]
    public void An_admin_drops_files_in_any_order_and_sees_them_imported_in_dependency_order_with_what_each_mapped()
    {
        AddImporter();
        Database.SignInAsPlatformAdmin();
        RenderProviders();
        var page = Render<StratosImportPage>();

        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("{ \"id\": ", "broken.json"),
            InputFileContent.CreateFromText(StratosSamples.Text(StratosSamples.Group), "group.json"),
            InputFileContent.CreateFromText(StratosSamples.Text(StratosSamples.Tomcat), "tomcat.json"),
            InputFileContent.CreateFromText(StratosSamples.Text(StratosSamples.AutoscalingPolicy), "policy.json"));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=stratos-outcome]").Count), Patience);
        var outcomes = page.FindAll("[data-testid=stratos-outcome]");
        Assert.Equal(["AutoscalingPolicy", "Cartridge", "CartridgeGroup", ""], outcomes.Select(o => o.GetAttribute("data-kind")));
        Assert.Equal(["true", "true", "true", "false"], outcomes.Select(o => o.GetAttribute("data-imported")));
        Assert.Equal(["autoscaling-policy-1", "tomcat", "mysql-php-group"], page.FindAll("[data-testid=stratos-name]").Select(n => n.TextContent.Trim()));
        Assert.Contains(page.FindAll("[data-testid=stratos-mapped]"), m => m.TextContent == "type:version → Docker image tomcat:7");
        Assert.Contains(page.FindAll("[data-testid=stratos-warning]"), w => w.TextContent.StartsWith("dependencies.scalingDependents: ignored", StringComparison.Ordinal));
        Assert.StartsWith("This is not JSON:", page.Find("[data-testid=stratos-error]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("broken.json", outcomes[3].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_imports_an_application_of_its_own_and_is_told_plainly_what_it_may_not_import()
    {
        AddImporter();
        RenderProviders();
        var page = Render<StratosImportPage>();

        page.Find("[data-testid=stratos-import]").Click();
        page.WaitForAssertion(() => Assert.Contains("Paste the JSON of one artifact (or choose files).", page.Markup, StringComparison.Ordinal), Patience);

        page.Find("textarea[data-testid=stratos-json]").Change(StratosSamples.Text(StratosSamples.Tomcat));
        page.Find("[data-testid=stratos-import]").Click();
        page.WaitForAssertion(() => Assert.Equal("Only platform admins import a cartridge; tenants import applications.",
            page.Find("[data-testid=stratos-error]").TextContent.Trim()), Patience);

        page.Find("textarea[data-testid=stratos-json]").Change(StratosSamples.Text(StratosSamples.SingleCartridgeApp));
        page.Find("[data-testid=stratos-import]").Click();
        page.WaitForAssertion(() => Assert.Equal("my-php: There is no deployment policy named 'deployment-policy-1'.",
            page.Find("[data-testid=stratos-error]").TextContent.Trim()), Patience);

        page.Find("textarea[data-testid=stratos-json]").Change("""
            { "applicationId": "blog", "components": { "cartridges": [{ "type": "php", "cartridgeMin": "1", "cartridgeMax": "3", "subscribableInfo": { "alias": "blog" } }] } }
            """);
        page.Find("[data-testid=stratos-import]").Click();
        page.WaitForAssertion(() => Assert.Equal("blog (php) → application 'blog': 1 to 3 members, deployment policy 'default'",
            page.Find("[data-testid=stratos-mapped]").TextContent), Patience);

        await using var db = Database.Open(Database.TenantId);
        Assert.Equal(3, db.Applications.Single(a => a.Name == "blog").MaxMembers);
    }
}
