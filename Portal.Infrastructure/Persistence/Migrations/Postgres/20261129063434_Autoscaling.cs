using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Autoscaling : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AutoscalingPolicyId",
                table: "Applications",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AutoscalingPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CpuPercent = table.Column<int>(type: "integer", nullable: true),
                    MemoryPercent = table.Column<int>(type: "integer", nullable: true),
                    RequestsInFlight = table.Column<int>(type: "integer", nullable: true),
                    EvaluationInterval = table.Column<TimeSpan>(type: "interval", nullable: false),
                    Window = table.Column<TimeSpan>(type: "interval", nullable: false),
                    Horizon = table.Column<TimeSpan>(type: "interval", nullable: true),
                    ScaleUpCooldown = table.Column<TimeSpan>(type: "interval", nullable: false),
                    ScaleDownCooldown = table.Column<TimeSpan>(type: "interval", nullable: false),
                    ScaleDownAfter = table.Column<int>(type: "integer", nullable: false),
                    Prediction = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutoscalingPolicies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ScalingDecisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    ApplicationId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    FromMembers = table.Column<int>(type: "integer", nullable: false),
                    ToMembers = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Policy = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Prediction = table.Column<bool>(type: "boolean", nullable: false),
                    Horizon = table.Column<TimeSpan>(type: "interval", nullable: false),
                    ActiveMembers = table.Column<int>(type: "integer", nullable: false),
                    DrainedMemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    Metrics = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScalingDecisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScalingDecisions_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Applications_AutoscalingPolicyId",
                table: "Applications",
                column: "AutoscalingPolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_AutoscalingPolicies_Name",
                table: "AutoscalingPolicies",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScalingDecisions_ApplicationId_At",
                table: "ScalingDecisions",
                columns: new[] { "ApplicationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ScalingDecisions_TenantId",
                table: "ScalingDecisions",
                column: "TenantId");

            migrationBuilder.AddForeignKey(
                name: "FK_Applications_AutoscalingPolicies_AutoscalingPolicyId",
                table: "Applications",
                column: "AutoscalingPolicyId",
                principalTable: "AutoscalingPolicies",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Applications_AutoscalingPolicies_AutoscalingPolicyId",
                table: "Applications");

            migrationBuilder.DropTable(
                name: "AutoscalingPolicies");

            migrationBuilder.DropTable(
                name: "ScalingDecisions");

            migrationBuilder.DropIndex(
                name: "IX_Applications_AutoscalingPolicyId",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "AutoscalingPolicyId",
                table: "Applications");
        }
    }
}
