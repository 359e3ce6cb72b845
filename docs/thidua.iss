; Inno Setup 6 script: a Windows installer for the PyInstaller bundle.
;
; Build the bundle first (README, "Windows build"), then from the repository folder:
;     iscc docs\thidua.iss
; which writes dist\ThiDua-Setup-<version>.exe. The version is read from thidua.exe's
; version resource, which build_installer.spec fills from the package metadata.
;
; The installer needs no administrator rights (it installs for the current user unless
; the user chooses "all users"), adds Start-menu and optional desktop shortcuts, and
; registers .thidua packages to open in Thi Đua. Uninstalling removes the program and the
; association, never the data in %LOCALAPPDATA%\ThiDua (databases, keys, backups).
;
; Saved as UTF-8 with a byte-order mark so that Inno Setup reads "Thi Đua" correctly.

#define AppName "Thi Đua"
#define AppExe "thidua.exe"
#define BundleDir AddBackslash(SourcePath) + "..\dist\thidua"
#define AppVersion GetStringFileInfo(BundleDir + "\" + AppExe, PRODUCT_VERSION)
#define ProgId "ThiDua.Package"

[Setup]
AppId={{5B0C6B5E-3C8E-4F0A-9D7E-7E3B8A1C2D40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\ThiDua
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
OutputDir={#SourcePath}..\dist
OutputBaseFilename=ThiDua-Setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Inno Setup ships no Vietnamese wizard texts; with the unofficial Vietnamese.isl from
; the Inno Setup translations page copied into its Languages folder, add:
; Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon
; The printed manual the spec builds from docs/guide (make guide), to read or print.
Name: "{autoprograms}\Hướng dẫn sử dụng {#AppName}"; Filename: "{app}\_internal\docs\huong-dan-su-dung.pdf"

[Registry]
; .thidua -> ThiDua.Package, opened with thidua.exe "<file>" (per user, or per machine
; when installed for all users: HKA follows the install mode).
Root: HKA; Subkey: "Software\Classes\.thidua"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.thidua\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Gói dữ liệu Thi Đua"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".thidua"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
