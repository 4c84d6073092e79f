using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Cartridges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Cartridges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Category = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Image = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    ContainerPort = table.Column<int>(type: "integer", nullable: false),
                    HealthCheck = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    HealthCheckPath = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Environment = table.Column<string>(type: "text", nullable: false),
                    CpuLimit = table.Column<double>(type: "double precision", nullable: false),
                    MemoryLimitMb = table.Column<int>(type: "integer", nullable: false),
                    PersistencePath = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ExportedVariables = table.Column<List<string>>(type: "text[]", nullable: false),
                    BuiltIn = table.Column<bool>(type: "boolean", nullable: false),
                    BuildContext = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cartridges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Cartridges_Name",
                table: "Cartridges",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Cartridges");
        }
    }
}
