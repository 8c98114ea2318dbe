using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScheduledIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Articles_Scheduled",
                table: "Articles",
                columns: new[] { "PublishedAt", "Id" },
                filter: "\"Status\" = 2");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Articles_Scheduled",
                table: "Articles");
        }
    }
}
