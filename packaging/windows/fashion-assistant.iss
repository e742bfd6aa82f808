; Inno Setup script for the Windows installer of Fashion Assistant.
;
; Built by packaging/windows/build_windows.sh (locally or on the CI's Windows runner) after PyInstaller
; made dist\fashion-assistant\ from packaging\fashion-assistant.spec:
;
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\fashion-assistant /DOutputDir=..\..\dist packaging\windows\fashion-assistant.iss
;
; What it does:
; - installs the one-folder bundle (both executables and _internal\) per user without admin rights,
;   or for all users when started as administrator (the dialog asks);
; - a Start menu entry and an optional desktop icon for the window, an optional PATH entry for the CLI;
; - an upgrade replaces the old _internal\ first, so no stale module of an older version survives;
; - uninstalling removes only what it installed: the catalog, settings, downloaded models and logs live
;   in %LOCALAPPDATA%\fashion-assistant (platformdirs), outside {app}, and are kept.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (the version in desktop_app/__init__.py)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\fashion-assistant"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "Fashion Assistant"
#define GuiExe "fashion-assistant-gui.exe"

[Setup]
; The AppId must never change: it is how an upgrade finds the installed version.
AppId={{6B0E4C1A-5D1F-4C59-9E7A-3F0B8A2D7C41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Fashion Assistant
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=fashion-assistant-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\fashion-assistant.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
; torch's DLLs are most of the 1+ GB: solid LZMA2 packs them well; "max" would add many minutes for little.
Compression=lzma2/normal
SolidCompression=yes
LZMANumBlockThreads=4
ChangesEnvironment=yes
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "addtopath"; Description: "Add the command-line tool (fashion-assistant) to PATH"; GroupDescription: "Command line:"; Flags: unchecked

[InstallDelete]
; An upgrade must not mix two versions' modules and DLLs.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ PATH handling for the optional CLI task: the user's PATH for a per-user install, the machine's
  for an all-users one; added once, and removed again on uninstall. }
function EnvKeyRoot: Integer;
begin
  if IsAdminInstallMode then Result := HKEY_LOCAL_MACHINE else Result := HKEY_CURRENT_USER;
end;

function EnvKeyName: String;
begin
  if IsAdminInstallMode then
    Result := 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
  else
    Result := 'Environment';
end;

function PathWithout(const Path, Dir: String): String;
var
  Rest, Part: String;
  P: Integer;
begin
  Result := '';
  Rest := Path;
  while Rest <> '' do
  begin
    P := Pos(';', Rest);
    if P = 0 then begin Part := Rest; Rest := ''; end
    else begin Part := Copy(Rest, 1, P - 1); Rest := Copy(Rest, P + 1, Length(Rest)); end;
    if (Part <> '') and (CompareText(RemoveBackslashUnlessRoot(Part), RemoveBackslashUnlessRoot(Dir)) <> 0) then
    begin
      if Result <> '' then Result := Result + ';';
      Result := Result + Part;
    end;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Path: String;
begin
  if (CurStep = ssPostInstall) and WizardIsTaskSelected('addtopath') then
  begin
    if not RegQueryStringValue(EnvKeyRoot, EnvKeyName, 'Path', Path) then Path := '';
    Path := PathWithout(Path, ExpandConstant('{app}'));
    if Path <> '' then Path := Path + ';';
    RegWriteExpandStringValue(EnvKeyRoot, EnvKeyName, 'Path', Path + ExpandConstant('{app}'));
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Path: String;
begin
  if CurUninstallStep = usPostUninstall then
    if RegQueryStringValue(EnvKeyRoot, EnvKeyName, 'Path', Path) then
      RegWriteExpandStringValue(EnvKeyRoot, EnvKeyName, 'Path', PathWithout(Path, ExpandConstant('{app}')));
end;
