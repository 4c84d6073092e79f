using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Tenancy;
using Portal.Infrastructure.Tenancy;
using Portal.Tenancy;

namespace Portal.Api;

/// <summary>The users and invitations of the caller's tenant. Ids of other tenants answer 404.</summary>
public static class TeamApi
{
    public static IEndpointRouteBuilder MapTeamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Team").RequireAuthorization(PortalPolicies.ApiUser);

        api.MapGet("/users", ListUsersAsync).WithName("ListUsers").WithSummary("The users of your tenant.");
        api.MapGet("/users/{id}", GetUserAsync).WithName("GetUser").WithSummary("One user of your tenant.");
        api.MapPost("/users", AddUserAsync).WithName("AddUser")
            .WithSummary("Adds a user to your tenant with a password you hand over (tenant admin).")
            .RequireAuthorization(PortalPolicies.TenantAdmin);
        api.MapDelete("/users/{id}", RemoveUserAsync).WithName("RemoveUser")
            .WithSummary("Removes a user from your tenant (tenant admin).")
            .RequireAuthorization(PortalPolicies.TenantAdmin);

        var invitations = api.MapGroup("/invitations").RequireAuthorization(PortalPolicies.TenantAdmin);
        invitations.MapGet("/", ListInvitationsAsync).WithName("ListInvitations").WithSummary("Your tenant's invitations.");
        invitations.MapGet("/{id:guid}", GetInvitationAsync).WithName("GetInvitation").WithSummary("One invitation.");
        invitations.MapPost("/", InviteAsync).WithName("Invite")
            .WithSummary("Invites someone by email; the response carries the one-time link to hand them.");
        invitations.MapDelete("/{id:guid}", RevokeInvitationAsync).WithName("RevokeInvitation")
            .WithSummary("Revokes a pending invitation.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TeamMember>>> ListUsersAsync(TeamService team, CancellationToken cancellationToken) =>
        TypedResults.Ok(await team.ListMembersAsync(cancellationToken));

    public static async Task<Results<Ok<TeamMember>, NotFound>> GetUserAsync(
        string id, TeamService team, CancellationToken cancellationToken) =>
        await team.FindMemberAsync(id, cancellationToken) is { } member ? TypedResults.Ok(member) : TypedResults.NotFound();

    public static async Task<Results<Created<TeamMember>, ProblemHttpResult>> AddUserAsync(
        AddUserRequest request, TeamService team, CancellationToken cancellationToken)
    {
        var result = await team.AddMemberAsync(request.Email, request.Password, request.Role ?? PortalRoles.TenantMember, cancellationToken);
        return result.Succeeded
            ? TypedResults.Created($"/api/v1/users/{result.Value!.Id}", result.Value)
            : result.Failure!.Problem();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveUserAsync(
        string id, TeamService team, CurrentUser caller, CancellationToken cancellationToken)
    {
        var result = await team.RemoveMemberAsync(id, caller.UserId ?? "", cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }

    public static async Task<Ok<IEnumerable<InvitationResponse>>> ListInvitationsAsync(
        TeamService team, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok((await team.ListInvitationsAsync(cancellationToken)).Select(i => InvitationResponse.From(i, clock, null)));

    public static async Task<Results<Ok<InvitationResponse>, NotFound>> GetInvitationAsync(
        Guid id, TeamService team, TimeProvider clock, CancellationToken cancellationToken) =>
        await team.FindInvitationAsync(id, cancellationToken) is { } invitation
            ? TypedResults.Ok(InvitationResponse.From(invitation, clock, null))
            : TypedResults.NotFound();

    public static async Task<Results<Created<InvitationResponse>, ProblemHttpResult>> InviteAsync(
        InviteRequest request, TeamService team, CurrentUser caller, TimeProvider clock, HttpContext http,
        CancellationToken cancellationToken)
    {
        var result = await team.InviteAsync(request.Email, request.Role ?? PortalRoles.TenantMember, caller.Email ?? "", cancellationToken);
        if (!result.Succeeded)
        {
            return result.Failure!.Problem();
        }

        var (invitation, token) = result.Value!;
        var link = $"{http.Request.Scheme}://{http.Request.Host}{InvitationLinks.AcceptPath(token)}";
        return TypedResults.Created($"/api/v1/invitations/{invitation.Id}", InvitationResponse.From(invitation, clock, link));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeInvitationAsync(
        Guid id, TeamService team, CancellationToken cancellationToken)
    {
        var result = await team.RevokeInvitationAsync(id, cancellationToken);
        return result.Succeeded ? TypedResults.NoContent() : result.Failure!.Problem();
    }
}

public sealed record AddUserRequest(
    [Required, UserEmail] string Email,
    [Required, MaxLength(128)] string Password,
    [MaxLength(32)] string? Role);

public sealed record InviteRequest(
    [Required, UserEmail] string Email,
    [MaxLength(32)] string? Role);

public sealed record InvitationResponse(
    Guid Id, string Email, string Role, InvitationStatus Status, string InvitedBy,
    DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? Link)
{
    public static InvitationResponse From(Invitation i, TimeProvider clock, string? link) =>
        new(i.Id, i.Email, i.Role, i.StatusAt(clock.GetUtcNow()), i.InvitedBy, i.CreatedAt, i.ExpiresAt, link);
}
