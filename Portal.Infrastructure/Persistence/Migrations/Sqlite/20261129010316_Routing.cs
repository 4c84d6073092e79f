using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Routing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LoadBalancing",
                table: "Applications",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "RoundRobin"); // existing applications keep round-robin

            migrationBuilder.AddColumn<bool>(
                name: "StickySessions",
                table: "Applications",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "ApplicationDomains",
                columns: table => new
                {
                    Host = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    ApplicationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApplicationDomains", x => x.Host);
                    table.ForeignKey(
                        name: "FK_ApplicationDomains_Applications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "Applications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApplicationDomains_ApplicationId",
                table: "ApplicationDomains",
                column: "ApplicationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApplicationDomains");

            migrationBuilder.DropColumn(
                name: "LoadBalancing",
                table: "Applications");

            migrationBuilder.DropColumn(
                name: "StickySessions",
                table: "Applications");
        }
    }
}
