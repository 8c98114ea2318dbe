using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Postgres
{
    /// <summary>
    /// Pins the order of the story columns in the model (bodies last) for SQLite's sake. PostgreSQL
    /// keeps large text out of line (TOAST) whatever the order, and Npgsql emits no SQL for an order
    /// change, so this migration only records the model; new databases are created in the pinned order.
    /// </summary>
    public partial class ArticleColumnOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
