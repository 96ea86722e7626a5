#include "identity/nodeidentity.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sodium.h>
#include <sys/stat.h>

using keel::agent::NodeIdentity;

class tst_NodeIdentity : public QObject
{
    Q_OBJECT

private slots:
    void createsKeyWithOwnerOnlyMode()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("identity.key").toStdString();
        std::string error;
        const auto identity = NodeIdentity::loadOrCreate(file, error);
        QVERIFY2(identity, error.c_str());
        struct stat st {};
        QCOMPARE(::stat(file.c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QCOMPARE(st.st_size, off_t(64));
        QVERIFY(!QFile::exists(dir.filePath("identity.key.tmp")));
    }

    void reloadsTheSameKey()
    {
        QTemporaryDir dir;
        const std::string file = dir.filePath("identity.key").toStdString();
        std::string error;
        const auto first = NodeIdentity::loadOrCreate(file, error);
        QVERIFY2(first, error.c_str());
        const auto second = NodeIdentity::loadOrCreate(file, error);
        QVERIFY2(second, error.c_str());
        QVERIFY(first->publicKey() == second->publicKey());
    }

    void refusesTruncatedFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("identity.key");
        std::string error;
        QVERIFY(NodeIdentity::loadOrCreate(path.toStdString(), error));
        QVERIFY(QFile::resize(path, 40));
        QVERIFY(!NodeIdentity::loadOrCreate(path.toStdString(), error));
        QVERIFY2(error.find("holds 40 bytes, expected 64") != std::string::npos, error.c_str());
        QVERIFY(error.find(path.toStdString()) != std::string::npos);
        QCOMPARE(QFileInfo(path).size(), 40); // never overwritten: it may be restorable
    }

    void refusesCorruptedKey()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("identity.key");
        std::string error;
        QVERIFY(NodeIdentity::loadOrCreate(path.toStdString(), error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray bytes = file.readAll();
        bytes[40] = char(bytes[40] ^ 0x01);
        file.seek(0);
        file.write(bytes);
        file.close();
        QVERIFY(!NodeIdentity::loadOrCreate(path.toStdString(), error));
        QVERIFY2(error.find("corrupted") != std::string::npos, error.c_str());
    }

    void reportsUnwritableDirectory()
    {
        std::string error;
        QVERIFY(!NodeIdentity::loadOrCreate("/proc/keel-does-not-exist/identity.key", error));
        QVERIFY2(error.find("cannot create") != std::string::npos, error.c_str());
    }

    void challengeProofVerifies()
    {
        QTemporaryDir dir;
        std::string error;
        const auto identity = NodeIdentity::loadOrCreate(dir.filePath("identity.key").toStdString(), error);
        QVERIFY2(identity, error.c_str());
        const std::string nonce(32, '\x07');
        const auto signature = identity->proveChallenge("edge-1", nonce);
        const std::string signed_ = "keel.v1 agent proof" + std::string("edge-1") + nonce;
        QCOMPARE(crypto_sign_verify_detached(signature.data(),
                                             reinterpret_cast<const unsigned char *>(signed_.data()),
                                             signed_.size(), identity->publicKey().data()),
                 0);
        // Another name must not verify: the proof binds the node's name.
        const std::string other = "keel.v1 agent proof" + std::string("edge-2") + nonce;
        QVERIFY(crypto_sign_verify_detached(signature.data(),
                                            reinterpret_cast<const unsigned char *>(other.data()),
                                            other.size(), identity->publicKey().data())
                != 0);
    }
};

QTEST_APPLESS_MAIN(tst_NodeIdentity)
#include "tst_nodeidentity.moc"
