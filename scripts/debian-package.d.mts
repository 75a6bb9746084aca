/** Raised when the program is missing and cannot be installed here; the message is one line. */
export declare class MissingPackageError extends Error {}
/** The absolute path of `binary` on PATH (or in /usr/bin, /usr/sbin), or undefined. */
export declare function findProgram(binary: string): string | undefined;
/** Whether apt-get may be run here: root on a system that has it. */
export declare function canInstallPackages(): boolean;
/** The path of `binary`, installing Debian's `pkg` first when missing and running as root. */
export declare function ensureDebianProgram(binary: string, pkg: string, say?: (line: string) => void): string;
