using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Byline.Storage.Migrations.Postgres
{
    /// <summary>
    /// The search table's body copy and tsvector are compressed with LZ4 instead of pglz: writing a
    /// row cost about half the CPU (70 → 34 µs a story, measured on 5,000 generated stories), which a
    /// rebuild of a million stories pays a million times. Only values written from now on use it; a
    /// server built without LZ4 keeps pglz (the statement is skipped, nothing fails).
    /// </summary>
    public partial class SearchSpeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(Compression("lz4"));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(Compression("pglz"));

        private static string Compression(string method) => $$"""
            DO $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND '{{method}}' = ANY (enumvals)) THEN
                    ALTER TABLE "ArticleSearch"
                        ALTER COLUMN "Body" SET COMPRESSION {{method}},
                        ALTER COLUMN "Document" SET COMPRESSION {{method}};
                END IF;
            END $$;
            """;
    }
}
