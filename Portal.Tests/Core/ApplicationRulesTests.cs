using Portal.Core.Applications;
using Portal.Core.Cartridges;

namespace Portal.Tests.Core;

public sealed class ApplicationRulesTests
{
    private static readonly IReadOnlySet<string> DataApps = new HashSet<string> { "db", "cache-db" };

    private static IReadOnlyDictionary<string, string[]> Check(ApplicationRequest request) => ApplicationRules.Validate(request, DataApps);

    [Fact]
    public void A_web_application_linked_to_a_database_is_valid() =>
        Assert.Empty(Check(new ApplicationRequest("shop", CartridgeCategory.Framework, 2, 5, ["db"])));

    [Fact]
    public void A_data_application_has_exactly_one_member_and_no_links()
    {
        Assert.Empty(Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 1, [])));
        Assert.Contains("maxMembers", Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 3, [])).Keys);
        Assert.Contains("links", Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 1, ["db"])).Keys);
    }

    [Theory]
    [InlineData("Shop")]
    [InlineData("s")]
    [InlineData("shop-")]
    [InlineData("sh--op")]
    [InlineData("1shop")]
    [InlineData("shop.io")]
    public void Names_must_be_host_name_labels(string name) =>
        Assert.Contains("name", Check(new ApplicationRequest(name, CartridgeCategory.Framework, 1, 1, [])).Keys);

    [Theory]
    [InlineData(0, 1, "minMembers")]
    [InlineData(3, 2, "maxMembers")]
    [InlineData(1, 21, "maxMembers")]
    public void Member_bounds_are_checked(int min, int max, string field) =>
        Assert.Contains(field, Check(new ApplicationRequest("shop", CartridgeCategory.Framework, min, max, [])).Keys);

    [Fact]
    public void Only_a_data_application_takes_a_schema_of_at_most_64_KiB_of_text()
    {
        Assert.Empty(Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 1, [], "CREATE TABLE t (id INT);")));
        Assert.Empty(Check(new ApplicationRequest("shop", CartridgeCategory.Framework, 1, 1, [], "  \n")));
        Assert.Equal(["Only a data application takes a schema: it runs once, when its database is created."],
            Check(new ApplicationRequest("shop", CartridgeCategory.Framework, 1, 1, [], "CREATE TABLE t (id INT);"))["schema"]);
        Assert.Empty(Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 1, [], new string('x', ApplicationRules.MaxSchemaLength))));
        Assert.StartsWith("A schema is at most 64 KiB of SQL",
            Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 1, [], new string('x', ApplicationRules.MaxSchemaLength + 1)))["schema"][0],
            StringComparison.Ordinal);
        Assert.Contains("NUL", Check(new ApplicationRequest("db2", CartridgeCategory.Data, 1, 1, [], "SELECT 1;\0"))["schema"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Links_go_only_to_the_tenants_data_applications_once()
    {
        var errors = Check(new ApplicationRequest("shop", CartridgeCategory.Framework, 1, 1, ["shop", "elsewhere", "db", "db"]))["links"];

        Assert.Contains("An application cannot link to itself.", errors);
        Assert.Contains("'elsewhere' is not a data application of your tenant.", errors);
        Assert.Contains("Each application can be linked once.", errors);
    }

    [Fact]
    public void Scaling_stays_within_the_bounds()
    {
        Assert.Null(ApplicationRules.CheckScale(3, 1, 5));
        Assert.Contains("between 1 and 5", ApplicationRules.CheckScale(6, 1, 5), StringComparison.Ordinal);
        Assert.NotNull(ApplicationRules.CheckScale(0, 1, 5));
    }
}

public sealed class DatabaseCredentialsTests
{
    [Fact]
    public void Generated_credentials_are_fresh_strong_and_never_printed()
    {
        var a = DatabaseCredentials.Generate("shop-db");
        var b = DatabaseCredentials.Generate("shop-db");

        Assert.Equal(("shop_db", "shop_db"), (a.Database, a.User));
        Assert.Equal(32, a.Password.Length);
        Assert.NotEqual(a.Password, b.Password);
        Assert.DoesNotContain(a.Password, a.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql", "mysql_app")]
    [InlineData("root", "root_app")]
    [InlineData("sys", "sys_app")]
    [InlineData("information-schema", "information_schema_app")]
    [InlineData("mysql-data", "mysql_data")]
    public void Names_the_server_keeps_for_itself_get_a_suffix(string application, string expected)
    {
        var credentials = DatabaseCredentials.Generate(application);

        Assert.Equal((expected, expected), (credentials.Database, credentials.User));
    }

    [Fact]
    public void A_linked_application_gets_the_six_variables_with_a_usable_url()
    {
        var credentials = new DatabaseCredentials("shop", "shop", "p@ss:w/rd");

        var variables = credentials.LinkEnvironment("db", 3306);

        Assert.Equal(["DATABASE_URL", "DB_HOST", "DB_NAME", "DB_PASSWORD", "DB_PORT", "DB_USER"], variables.Keys.Order());
        Assert.Equal("db", variables["DB_HOST"]);
        Assert.Equal("3306", variables["DB_PORT"]);
        var url = new Uri(variables["DATABASE_URL"]);
        Assert.Equal(("mysql", "db", 3306, "/shop"), (url.Scheme, url.Host, url.Port, url.AbsolutePath));
        Assert.Equal("shop:p@ss:w/rd", Uri.UnescapeDataString(url.UserInfo));
        Assert.Equal(credentials.ServerEnvironment().Keys.Order(), ["DB_NAME", "DB_PASSWORD", "DB_USER"]);
    }
}
