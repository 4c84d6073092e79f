using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Persistence.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Image = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ContainerPort = table.Column<int>(type: "INTEGER", nullable: false),
                    HealthCheck = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    HealthCheckPath = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    CpuLimit = table.Column<double>(type: "REAL", nullable: false),
                    MemoryLimitMb = table.Column<int>(type: "INTEGER", nullable: false),
                    PersistencePath = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ExportedVariables = table.Column<string>(type: "TEXT", nullable: false),
                    BuiltIn = table.Column<bool>(type: "INTEGER", nullable: false),
                    BuildContext = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
