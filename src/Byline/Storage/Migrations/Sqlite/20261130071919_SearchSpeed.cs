using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Sqlite
{
    /// <summary>
    /// PostgreSQL's search table compresses its large columns with LZ4 from this migration on. FTS5
    /// has no such setting, so SQLite records the migration and changes nothing.
    /// </summary>
    public partial class SearchSpeed : Migration
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
