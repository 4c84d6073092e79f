# Multi-stage build of the portal. Needs a registry for the .NET images (mcr.microsoft.com);
# on the offline build machines of this project it cannot be pulled; run scripts/run.sh there instead.
#   docker build -t portal .
#   docker run -p 8000:8080 -v portal-data:/data \
#     -e Portal__Admin__Email=ops@example.com -e Portal__Admin__Password='Change-me-1' portal
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY Portal.Core/Portal.Core.csproj Portal.Core/
COPY Portal.Infrastructure/Portal.Infrastructure.csproj Portal.Infrastructure/
COPY Portal/Portal.csproj Portal/
RUN dotnet restore Portal/Portal.csproj
COPY Portal.Core/ Portal.Core/
COPY Portal.Infrastructure/ Portal.Infrastructure/
COPY Portal/ Portal/
COPY cartridges/ cartridges/
RUN dotnet publish Portal/Portal.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
# The portal on 5000, the router (applications at {app}.{tenant}.{Router__AppsDomain}) on 8080.
ENV ASPNETCORE_URLS=http://+:5000 \
    Router__Port=8080 \
    Router__BindAddress=0.0.0.0 \
    Portal__DataDirectory=/data
VOLUME /data
EXPOSE 5000 8080
ENTRYPOINT ["dotnet", "Portal.dll"]
