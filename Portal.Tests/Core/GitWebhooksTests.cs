using System.Security.Cryptography;
using System.Text;
using Portal.Core.Releases;

namespace Portal.Tests.Core;

public sealed class GitWebhooksTests
{
    private const string Secret = "It's a Secret to Everybody";
    private const string Head = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
    private const string Zeros = "0000000000000000000000000000000000000000";

    // Trimmed from GitHub's documentation of the push event.
    private const string GitHubPush = """
        {
          "ref": "refs/heads/main",
          "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
          "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
          "created": false,
          "deleted": false,
          "forced": false,
          "base_ref": null,
          "compare": "https://github.com/Codertocat/Hello-World/compare/6113728f27ae...0d1a26e67d8f",
          "commits": [
            {
              "id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
              "message": "Update README.md\n\nExplain how to run it.",
              "timestamp": "2019-05-15T15:20:30-05:00",
              "author": { "name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com", "username": "Codertocat" }
            }
          ],
          "head_commit": {
            "id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
            "distinct": true,
            "message": "Update README.md\n\nExplain how to run it.",
            "timestamp": "2019-05-15T15:20:30-05:00",
            "url": "https://github.com/Codertocat/Hello-World/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            "author": { "name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com", "username": "Codertocat" },
            "added": [],
            "removed": [],
            "modified": ["README.md"]
          },
          "repository": {
            "id": 186853002,
            "name": "Hello-World",
            "full_name": "Codertocat/Hello-World",
            "private": false,
            "owner": { "name": "Codertocat", "login": "Codertocat", "id": 21031067, "type": "User" },
            "clone_url": "https://github.com/Codertocat/Hello-World.git",
            "default_branch": "main"
          },
          "pusher": { "name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com" },
          "sender": { "login": "Codertocat", "id": 21031067, "type": "User" }
        }
        """;

    // Trimmed from GitLab's documentation of push events; "after" is the first commit listed here.
    private const string GitLabPush = """
        {
          "object_kind": "push",
          "event_name": "push",
          "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
          "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "ref": "refs/heads/master",
          "ref_protected": true,
          "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "user_id": 4,
          "user_name": "John Smith",
          "user_username": "jsmith",
          "project_id": 15,
          "project": { "id": 15, "name": "Diaspora", "path_with_namespace": "mike/diaspora", "default_branch": "master" },
          "commits": [
            {
              "id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
              "message": "fixed readme",
              "title": "fixed readme",
              "author": { "name": "GitLab dev user", "email": "gitlabdev@dv6700.(none)" }
            },
            {
              "id": "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
              "message": "Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information",
              "title": "Update Catalan translation to e38cb41.",
              "author": { "name": "Jordi Mallach", "email": "jordi@softcatala.org" }
            }
          ],
          "total_commits_count": 2
        }
        """;

    private const string GiteaPush = """
        {
          "ref": "refs/heads/develop",
          "before": "28e1879d029cb852e4844d9c718537df08844e03",
          "after": "bffeb74224043ba2feb48d137756c8a9331c449a",
          "compare_url": "http://localhost:3000/gitea/webhooks/compare/28e1879d029cb852e4844d9c718537df08844e03...bffeb74224043ba2feb48d137756c8a9331c449a",
          "commits": [{ "id": "bffeb74224043ba2feb48d137756c8a9331c449a", "message": "Webhooks Yay!" }],
          "head_commit": { "id": "bffeb74224043ba2feb48d137756c8a9331c449a", "message": "Webhooks Yay!\n" },
          "repository": { "id": 140, "name": "webhooks", "full_name": "gitea/webhooks" },
          "pusher": { "id": 1, "login": "gitea", "username": "gitea-user", "email": "gitea@fake.local" },
          "sender": { "id": 1, "login": "gitea", "username": "gitea" }
        }
        """;

    private static string Hex(byte[] body, string secret = Secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string Sign(byte[] body, string secret = Secret) => "sha256=" + Hex(body, secret);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static WebhookOutcome Read(byte[] body, params (string Name, string Value)[] headers)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            map[name] = value;
        }

        return GitWebhooks.Read(map.GetValueOrDefault, body, Secret);
    }

    /// <summary>A correctly authenticated push event from <paramref name="host"/>; later headers replace earlier ones.</summary>
    private static WebhookOutcome Send(GitHost host, string body, params (string Name, string Value)[] headers)
    {
        var bytes = Bytes(body);
        (string, string)[] authenticated = host switch
        {
            GitHost.GitHub => [("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Sign(bytes))],
            GitHost.GitLab => [("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", Secret)],
            GitHost.Gitea => [("X-Gitea-Event", "push"), ("X-Gitea-Signature", Hex(bytes))],
            _ => [("X-Hub-Signature-256", Sign(bytes))],
        };
        return Read(bytes, [.. authenticated, .. headers]);
    }

    private static GitPush Accepted(WebhookOutcome outcome) => Assert.IsType<WebhookAccepted>(outcome).Push;

    private static string Generic(string after = Head, string @ref = "refs/heads/main") => $$"""{"ref": "{{@ref}}", "after": "{{after}}"}""";

    [Fact]
    public void A_GitHub_push_is_accepted()
    {
        var body = Bytes(GitHubPush);

        var outcome = Read(body,
            ("X-GitHub-Event", "push"),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            ("X-Hub-Signature-256", Sign(body)),
            ("User-Agent", "GitHub-Hookshot/044aadd"));

        var push = Accepted(outcome);
        Assert.Equal(
            new GitPush(GitHost.GitHub, "72d3162e-cc78-11e3-81ab-4c9367dc0958", "refs/heads/main", Head, "Codertocat", "Update README.md"),
            push);
        Assert.Equal("main", push.Branch);
        Assert.False(push.IsDeletion);
    }

    [Fact]
    public void GitHubs_documented_test_vector_is_authenticated()
    {
        // From GitHub's "Validating webhook deliveries"; the body is no JSON, so it gets past authentication only.
        var outcome = Read(Bytes("Hello, World!"),
            ("X-GitHub-Event", "push"),
            ("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));

        Assert.StartsWith("The payload is not valid JSON", Assert.IsType<WebhookRejected>(outcome).Reason);
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_unauthorized()
    {
        var body = Bytes(GitHubPush);

        var outcome = Read(body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Sign(body, "guessed")));

        Assert.Contains("does not match", Assert.IsType<WebhookUnauthorized>(outcome).Reason);
    }

    [Fact]
    public void A_tampered_body_is_unauthorized()
    {
        var signature = Sign(Bytes(GitHubPush));
        var tampered = Bytes(GitHubPush.Replace("refs/heads/main", "refs/heads/prod", StringComparison.Ordinal));

        Assert.IsType<WebhookUnauthorized>(Read(tampered, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", signature)));
    }

    [Theory]
    [InlineData(GitHost.GitHub)]
    [InlineData(GitHost.Gitea)]
    [InlineData(GitHost.GitLab)]
    [InlineData(GitHost.Generic)]
    public void A_request_without_signature_is_unauthorized(GitHost host)
    {
        (string, string)[] headers = host switch
        {
            GitHost.GitHub => [("X-GitHub-Event", "push")],
            GitHost.Gitea => [("X-Gitea-Event", "push")],
            GitHost.GitLab => [("X-Gitlab-Event", "Push Hook")],
            _ => [],
        };

        var outcome = Read(Bytes(GitHubPush), headers);

        Assert.StartsWith("No signature: ", Assert.IsType<WebhookUnauthorized>(outcome).Reason);
    }

    [Fact]
    public void Upper_case_hex_is_accepted()
    {
        var body = Bytes(GitHubPush);

        var outcome = Read(body, ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=" + Hex(body).ToUpperInvariant()));

        Assert.IsType<WebhookAccepted>(outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha256=abc")]
    [InlineData("sha256=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=0000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_signature_is_unauthorized(string signature)
    {
        var outcome = Read(Bytes(GitHubPush), ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", signature));

        Assert.IsType<WebhookUnauthorized>(outcome);
    }

    [Fact]
    public void An_empty_secret_authenticates_nobody()
    {
        var body = Bytes(GitHubPush);

        var outcome = GitWebhooks.Read(
            name => name == "X-Hub-Signature-256" ? Sign(body, "") : null, body, "");

        Assert.IsType<WebhookUnauthorized>(outcome);
    }

    [Fact]
    public void The_body_of_an_unauthenticated_request_is_not_looked_at()
    {
        var outcome = Read(Bytes("{not json"), ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", Sign(Bytes("{}"))));

        Assert.IsType<WebhookUnauthorized>(outcome);
    }

    [Fact]
    public void A_ping_is_ignored()
    {
        var body = """{"zen": "Design for failure.", "hook_id": 109948940, "hook": {"type": "Repository", "events": ["push"]}}""";

        var outcome = Send(GitHost.GitHub, body, ("X-GitHub-Event", "ping"));

        Assert.Equal(new WebhookIgnored("ping"), outcome);
    }

    [Theory]
    [InlineData(GitHost.GitHub, "X-GitHub-Event", "issues")]
    [InlineData(GitHost.Gitea, "X-Gitea-Event", "create")]
    [InlineData(GitHost.GitLab, "X-Gitlab-Event", "Tag Push Hook")]
    [InlineData(GitHost.GitLab, "X-Gitlab-Event", "Merge Request Hook")]
    public void Other_events_are_ignored(GitHost host, string header, string gitEvent)
    {
        var outcome = Send(host, Generic(), (header, gitEvent));

        Assert.Contains(gitEvent, Assert.IsType<WebhookIgnored>(outcome).Reason);
    }

    [Fact]
    public void A_GitLab_push_hook_is_accepted()
    {
        var outcome = Read(Bytes(GitLabPush),
            ("X-Gitlab-Event", "Push Hook"),
            ("X-Gitlab-Token", Secret),
            ("X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e"),
            ("X-Gitlab-Instance", "https://gitlab.example.com"));

        Assert.Equal(
            new GitPush(GitHost.GitLab, "13792a34-cac6-4fda-95a8-c58e00a3954e", "refs/heads/master",
                "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "jsmith", "fixed readme"),
            Accepted(outcome));
    }

    [Fact]
    public void GitLabs_subject_is_the_last_commits_when_none_is_the_pushed_one()
    {
        var body = GitLabPush.Replace("\"user_username\": \"jsmith\",", "", StringComparison.Ordinal)
            .Replace("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "1111111111111111111111111111111111111111", StringComparison.Ordinal)
            .Replace("\"id\": \"1111111111111111111111111111111111111111\"", "\"id\": \"2222222222222222222222222222222222222222\"", StringComparison.Ordinal);

        var push = Accepted(Send(GitHost.GitLab, body));

        Assert.Equal("Update Catalan translation to e38cb41.", push.Subject);
        Assert.Equal("John Smith", push.Pusher);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("It's a Secret to Everybody ")]
    [InlineData("It's a Secret to Everybod")]
    public void A_wrong_GitLab_token_is_unauthorized(string token)
    {
        var outcome = Send(GitHost.GitLab, GitLabPush, ("X-Gitlab-Token", token));

        Assert.IsType<WebhookUnauthorized>(outcome);
    }

    [Fact]
    public void A_Gitea_push_signed_in_X_Gitea_Signature_is_accepted()
    {
        var body = Bytes(GiteaPush);

        // Gitea also sends GitHub's headers; here the GitHub-style signature is wrong to show which one counts.
        var outcome = Read(body,
            ("X-Gitea-Event", "push"),
            ("X-Gitea-Delivery", "f6266f16-1bf3-46a5-9ea4-602e06ead473"),
            ("X-Gitea-Signature", Hex(body)),
            ("X-GitHub-Event", "push"),
            ("X-GitHub-Delivery", "not this one"),
            ("X-Hub-Signature-256", "sha256=" + new string('0', 64)));

        Assert.Equal(
            new GitPush(GitHost.Gitea, "f6266f16-1bf3-46a5-9ea4-602e06ead473", "refs/heads/develop",
                "bffeb74224043ba2feb48d137756c8a9331c449a", "gitea", "Webhooks Yay!"),
            Accepted(outcome));
    }

    [Fact]
    public void A_Gitea_push_without_X_Gitea_Signature_is_checked_as_GitHub_does()
    {
        var body = Bytes(GiteaPush);

        Assert.Equal(GitHost.Gitea, Accepted(Read(body, ("X-Gitea-Event", "push"), ("X-Hub-Signature-256", Sign(body)))).Host);
        Assert.IsType<WebhookUnauthorized>(Read(body, ("X-Gitea-Event", "push"), ("X-Hub-Signature-256", Sign(body, "guessed"))));
    }

    [Fact]
    public void A_wrong_Gitea_signature_is_unauthorized()
    {
        var body = Bytes(GiteaPush);

        Assert.IsType<WebhookUnauthorized>(Read(body, ("X-Gitea-Event", "push"), ("X-Gitea-Signature", Hex(body, "guessed"))));
        Assert.IsType<WebhookUnauthorized>(Read(body, ("X-Gitea-Event", "push"), ("X-Gitea-Signature", Sign(body))));
    }

    [Fact]
    public void A_generic_push_is_signed_as_GitHub_does()
    {
        var body = Bytes(Generic());

        var push = Accepted(Read(body, ("X-Hub-Signature-256", Sign(body))));

        Assert.Equal(new GitPush(GitHost.Generic, null, "refs/heads/main", Head, null, null), push);
    }

    [Fact]
    public void A_generic_push_may_name_its_pusher_and_message()
    {
        var body = $$"""{"ref": "refs/heads/main", "after": "{{Head}}", "pusher": "ci", "message": "Release 1.2\nwith notes", "extra": [1, 2]}""";

        var push = Accepted(Send(GitHost.Generic, body));

        Assert.Equal(("ci", "Release 1.2"), (push.Pusher, push.Subject));
    }

    [Theory]
    [InlineData(GitHost.GitHub, "X-GitHub-Delivery")]
    [InlineData(GitHost.Gitea, "X-Gitea-Delivery")]
    [InlineData(GitHost.GitLab, "X-Gitlab-Event-UUID")]
    [InlineData(GitHost.GitLab, "Idempotency-Key")]
    [InlineData(GitHost.Generic, "X-Delivery-Id")]
    [InlineData(GitHost.Generic, "X-GitHub-Delivery")]
    [InlineData(GitHost.Generic, "Idempotency-Key")]
    public void Each_host_names_its_delivery(GitHost host, string header)
    {
        var push = Accepted(Send(host, Generic(), (header, " delivery-1 ")));

        Assert.Equal((host, "delivery-1"), (push.Host, push.DeliveryId));
    }

    [Theory]
    [InlineData(GitHost.GitHub, "Idempotency-Key")]
    [InlineData(GitHost.Gitea, "X-GitHub-Delivery")]
    [InlineData(GitHost.GitLab, "X-Delivery-Id")]
    [InlineData(GitHost.Generic, "X-Gitea-Delivery")]
    public void Another_hosts_delivery_header_is_not_taken(GitHost host, string header)
    {
        Assert.Null(Accepted(Send(host, Generic(), (header, "delivery-1"))).DeliveryId);
    }

    [Fact]
    public void The_hosts_own_delivery_header_comes_first()
    {
        var push = Accepted(Send(GitHost.GitLab, Generic(), ("Idempotency-Key", "second"), ("X-Gitlab-Event-UUID", "first")));

        Assert.Equal("first", push.DeliveryId);
    }

    [Fact]
    public void A_delivery_id_longer_than_200_characters_is_rejected()
    {
        Assert.Equal("x", Accepted(Send(GitHost.GitHub, Generic(), ("X-GitHub-Delivery", "x"))).DeliveryId);
        Assert.IsType<WebhookAccepted>(Send(GitHost.GitHub, Generic(), ("X-GitHub-Delivery", new string('x', 200))));

        var outcome = Send(GitHost.GitHub, Generic(), ("X-GitHub-Delivery", new string('x', 201)));

        Assert.Contains("X-GitHub-Delivery", Assert.IsType<WebhookRejected>(outcome).Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"ref\": \"refs/heads/main\",}")]
    [InlineData("{} {}")]
    [InlineData("[]")]
    [InlineData("\"refs/heads/main\"")]
    [InlineData("null")]
    public void A_payload_that_is_no_JSON_object_is_rejected(string body)
    {
        Assert.IsType<WebhookRejected>(Send(GitHost.GitHub, body));
    }

    [Fact]
    public void A_payload_with_invalid_UTF8_is_rejected()
    {
        byte[] body = [.. Bytes("{\"ref\": \"refs/heads/"), 0xC3, 0x28, .. Bytes($"\", \"after\": \"{Head}\"}}")];

        Assert.Equal(new WebhookRejected("The payload is not valid UTF-8."), Read(body, ("X-Hub-Signature-256", Sign(body))));
    }

    [Fact]
    public void A_payload_may_start_with_a_byte_order_mark()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Bytes(Generic())];

        Assert.IsType<WebhookAccepted>(Read(body, ("X-Hub-Signature-256", Sign(body))));
    }

    [Theory]
    [InlineData($$"""{"after": "{{Head}}"}""", "\"ref\"")]
    [InlineData($$"""{"ref": " ", "after": "{{Head}}"}""", "\"ref\"")]
    [InlineData($$"""{"ref": ["refs/heads/main"], "after": "{{Head}}"}""", "\"ref\"")]
    [InlineData("""{"ref": "refs/heads/main"}""", "\"after\"")]
    [InlineData("""{"ref": "refs/heads/main", "after": null, "checkout_sha": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"}""", "\"after\"")]
    [InlineData("""{"ref": "refs/heads/main", "after": ""}""", "\"after\"")]
    public void A_payload_without_ref_or_after_is_rejected_naming_the_field(string body, string field)
    {
        Assert.Contains(field, Assert.IsType<WebhookRejected>(Send(GitHost.GitHub, body)).Reason);
    }

    [Theory]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1")]
    [InlineData("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c0")]
    [InlineData("zd1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c")]
    [InlineData("0d1a26e")]
    [InlineData("main")]
    public void An_after_that_is_no_commit_id_is_rejected(string after)
    {
        Assert.Contains("\"after\"", Assert.IsType<WebhookRejected>(Send(GitHost.Generic, Generic(after))).Reason);
    }

    [Fact]
    public void After_may_be_a_SHA256_commit_id_and_is_lower_cased()
    {
        var sha256 = "A7F3" + new string('b', 60);

        Assert.Equal(sha256.ToLowerInvariant(), Accepted(Send(GitHost.Generic, Generic(sha256))).After);
    }

    [Fact]
    public void A_tag_is_ignored()
    {
        var body = GitHubPush.Replace("\"refs/heads/main\"", "\"refs/tags/v1.0\"", StringComparison.Ordinal);

        var outcome = Send(GitHost.GitHub, body);

        Assert.Equal(new WebhookIgnored("refs/tags/v1.0 is not a branch."), outcome);
    }

    [Fact]
    public void A_deleted_branch_is_a_push_of_zeros()
    {
        var body = $$"""
            {"ref": "refs/heads/feature/login", "before": "{{Head}}", "after": "{{Zeros}}",
             "created": false, "deleted": true, "commits": [], "head_commit": null,
             "pusher": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com"} }
            """;

        var push = Accepted(Send(GitHost.GitHub, body));

        Assert.True(push.IsDeletion);
        Assert.Equal(("feature/login", Zeros, "Codertocat", (string?)null), (push.Branch, push.After, push.Pusher, push.Subject));
    }

    [Theory]
    [InlineData("refs/heads/main", "main")]
    [InlineData("refs/heads/feature/x", "feature/x")]
    [InlineData("refs/tags/v1.0", null)]
    [InlineData("refs/heads/", null)]
    [InlineData("refs/remotes/origin/main", null)]
    [InlineData("main", null)]
    public void Branch_is_the_ref_without_refs_heads(string gitRef, string? branch)
    {
        Assert.Equal(branch, new GitPush(GitHost.Generic, null, gitRef, Head, null, null).Branch);
    }

    [Theory]
    [InlineData(Zeros, true)]
    [InlineData(Head, false)]
    [InlineData("0000000000000000000000000000000000000001", false)]
    public void IsDeletion_means_all_zeros(string after, bool deletion)
    {
        Assert.Equal(deletion, new GitPush(GitHost.Generic, null, "refs/heads/main", after, null, null).IsDeletion);
    }
}
