using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Byline.Storage;

// Used only by `dotnet ef migrations add`; the connection strings are never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBylineDb>
{
    public SqliteBylineDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBylineDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBylineDb>
{
    public PostgresBylineDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBylineDb>().UseNpgsql("Host=127.0.0.1;Database=design").Options);
}
